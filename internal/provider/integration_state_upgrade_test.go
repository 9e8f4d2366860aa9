// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The state files in testdata/state-v0 were written by the provider built
// from commit 1b4f35c of main (schema version 0) with Terraform 1.11.4,
// applying testdata/upgrade/integrations.tf (and a Starburst integration)
// against the emulator in each answer style: every integration type, secrets
// in state and write-only ones, settings Immuta filled in, validation results.
// They stay as they are: a later schema version adds files of its own.
var stateV0Files = []string{"testdata/state-v0/echo.json", "testdata/state-v0/literal.json"}

// stateInstance is one resource instance of a state file (format 4).
type stateInstance struct {
	SchemaVersion int64           `json:"schema_version"`
	Attributes    json.RawMessage `json:"attributes"`
}

func readStateInstances(t *testing.T, file string) map[string]stateInstance {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []stateInstance
		}
	}
	if err := json.Unmarshal(b, &state); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	out := map[string]stateInstance{}
	for _, r := range state.Resources {
		if r.Mode == "managed" && r.Type == "immuta_integration" && len(r.Instances) == 1 {
			out[r.Name] = r.Instances[0]
		}
	}
	return out
}

// upgradeThroughProtocol asks the provider, as Terraform does, to upgrade a
// stored state, and returns the upgraded value or the error diagnostics.
func upgradeThroughProtocol(t *testing.T, version int64, attributes []byte) (tftypes.Value, []*tfprotov6.Diagnostic) {
	t.Helper()
	server, err := testProviders["immuta"]()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "immuta_integration",
		Version:  version,
		RawState: &tfprotov6.RawState{JSON: attributes},
	})
	if err != nil {
		t.Fatal(err)
	}
	var errs []*tfprotov6.Diagnostic
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 || resp.UpgradedState == nil {
		return tftypes.Value{}, errs
	}
	v, err := resp.UpgradedState.Unmarshal(schemas.ResourceSchemas["immuta_integration"].ValueType())
	if err != nil {
		t.Fatalf("decoding the upgraded state: %v", err)
	}
	return v, nil
}

// jsonOf turns a value into what encoding/json decodes its JSON form to.
func jsonOf(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if v.IsNull() {
		return nil
	}
	if !v.IsKnown() {
		t.Fatalf("unknown value in an upgraded state: %s", v)
	}
	switch typ := v.Type(); {
	case typ.Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case typ.Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case typ.Is(tftypes.Number):
		var n big.Float
		if err := v.As(&n); err != nil {
			t.Fatal(err)
		}
		f, _ := n.Float64()
		return f
	case typ.Is(tftypes.Object{}), typ.Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for k, e := range m {
			out[k] = jsonOf(t, e)
		}
		return out
	default: // lists, sets and tuples
		var l []tftypes.Value
		if err := v.As(&l); err != nil {
			t.Fatal(err)
		}
		out := make([]any, 0, len(l))
		for _, e := range l {
			out = append(out, jsonOf(t, e))
		}
		return out
	}
}

// addedSince lists the keys of cur, at any depth, that old lacks and whose
// value is not null: an attribute a later schema added must start null.
func addedSince(path string, old, cur any) []string {
	o, ok1 := old.(map[string]any)
	c, ok2 := cur.(map[string]any)
	if !ok1 || !ok2 {
		return nil
	}
	var out []string
	for k, v := range c {
		if ov, present := o[k]; !present && v != nil {
			out = append(out, fmt.Sprintf("%s.%s = %v (not in the stored state)", path, k, v))
		} else if present {
			out = append(out, addedSince(path+"."+k, ov, v)...)
		}
	}
	return out
}

// TestIntegrationStateUpgrade_fromVersion0 upgrades, through the protocol
// Terraform speaks, every integration state the previous release wrote: each
// value comes back as it was stored, and the current schema version is 1.
func TestIntegrationStateUpgrade_fromVersion0(t *testing.T) {
	server, err := testProviders["immuta"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := schemas.ResourceSchemas["immuta_integration"].Version; got != 1 {
		t.Fatalf("immuta_integration reports schema version %d, want %d", got, 1)
	}

	seen := map[string]bool{}
	for _, file := range stateV0Files {
		instances := readStateInstances(t, file)
		if len(instances) != 14 {
			t.Fatalf("%s holds %d integrations, want the 14 the fixture makes", file, len(instances))
		}
		for name, inst := range instances {
			t.Run(strings.TrimSuffix(filepath.Base(file), ".json")+"/"+name, func(t *testing.T) {
				if inst.SchemaVersion != 0 {
					t.Fatalf("stored at schema version %d, want 0", inst.SchemaVersion)
				}
				var stored map[string]any
				if err := json.Unmarshal(inst.Attributes, &stored); err != nil {
					t.Fatal(err)
				}
				for _, block := range []string{"snowflake", "databricks", "redshift", "azure_synapse", "bigquery", "s3", "trino"} {
					if stored[block] != nil {
						seen[block] = true
					}
				}
				v, diags := upgradeThroughProtocol(t, 0, inst.Attributes)
				if len(diags) > 0 {
					t.Fatalf("upgrade failed: %s: %s", diags[0].Summary, diags[0].Detail)
				}
				upgraded := jsonOf(t, v)
				if diff := keptValues(name, stored, upgraded); len(diff) > 0 {
					t.Errorf("the upgrade changed stored values:\n  %s", strings.Join(diff, "\n  "))
				}
				if added := addedSince(name, stored, upgraded); len(added) > 0 {
					t.Errorf("the upgrade invented values:\n  %s", strings.Join(added, "\n  "))
				}
			})
		}
	}
	for _, block := range []string{"snowflake", "databricks", "redshift", "azure_synapse", "bigquery", "s3", "trino"} {
		if !seen[block] {
			t.Errorf("no state of a %s integration in %v", block, stateV0Files)
		}
	}
}

// TestIntegrationStateUpgrade_edges: what the version-0 upgrader does with
// stored state that is not exactly what the previous release wrote.
func TestIntegrationStateUpgrade_edges(t *testing.T) {
	stored := readStateInstances(t, stateV0Files[1])["snowflake_write_only"].Attributes
	edit := func(change func(map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(stored, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name    string
		version int64
		raw     []byte
		check   func(t *testing.T, upgraded map[string]any)
		wantErr string
	}{
		{
			name: "an attribute the schema no longer has is dropped", version: 0,
			raw: edit(func(m map[string]any) { m["legacy_setting"] = "x" }),
			check: func(t *testing.T, u map[string]any) {
				if _, ok := u["legacy_setting"]; ok {
					t.Error("legacy_setting survived the upgrade")
				}
				if u["id"] == nil || u["status"] != "enabled" {
					t.Errorf("id %v, status %v: the rest of the state must be kept", u["id"], u["status"])
				}
			},
		},
		{
			name: "a missing attribute is null", version: 0,
			raw: edit(func(m map[string]any) { delete(m, "validation_results") }),
			check: func(t *testing.T, u map[string]any) {
				if v, ok := u["validation_results"]; !ok || v != nil {
					t.Errorf("validation_results = %v, want null", v)
				}
			},
		},
		{
			name: "a write-only value in stored state is dropped", version: 0,
			raw: edit(func(m map[string]any) {
				m["snowflake"].(map[string]any)["password_wo"] = "must-not-survive"
			}),
			check: func(t *testing.T, u map[string]any) {
				if got := u["snowflake"].(map[string]any)["password_wo"]; got != nil {
					t.Errorf("snowflake.password_wo = %v after the upgrade, want null", got)
				}
			},
		},
		{
			name: "state at the current version is read as it is", version: integrationSchemaVersion,
			raw: stored,
			check: func(t *testing.T, u map[string]any) {
				if u["snowflake"].(map[string]any)["password_wo_version"] != float64(1) {
					t.Errorf("snowflake.password_wo_version = %v, want 1", u["snowflake"].(map[string]any)["password_wo_version"])
				}
			},
		},
		{
			name: "a value of the wrong type is an error that leaves the state alone", version: 0,
			raw:     edit(func(m map[string]any) { m["auto_bootstrap"] = "yes" }),
			wantErr: "Cannot read the stored state of an earlier provider version",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, diags := upgradeThroughProtocol(t, tc.version, tc.raw)
			if tc.wantErr != "" {
				if len(diags) == 0 || diags[0].Summary != tc.wantErr || !strings.Contains(diags[0].Detail, "The state file was not changed") {
					t.Fatalf("diagnostics %v, want the error %q saying the state was not changed", diags, tc.wantErr)
				}
				return
			}
			if len(diags) > 0 {
				t.Fatalf("upgrade failed: %s: %s", diags[0].Summary, diags[0].Detail)
			}
			tc.check(t, jsonOf(t, v).(map[string]any))
		})
	}
}
