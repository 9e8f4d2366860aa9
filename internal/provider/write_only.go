// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/immuta/terraform-provider-immuta/internal/fingerprint"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Write-only secrets are never stored, so to see a changed one the provider
// keeps, in the resource's private state, a fingerprint (internal/fingerprint)
// of each value last applied. Plans carry only the verdict ("changed"), never
// the fingerprints: a plan file's change records hold no trace of a secret.
// (Terraform embeds a copy of the prior state, private state included, in
// every plan file; that copy is the state's own.)

// writeOnlyKey is the private-state key of the record.
const writeOnlyKey = "write_only"

// writeOnlyRecord is the private state of the write-only secrets, keyed by
// the write-only attribute's path in the type block ("password_wo").
type writeOnlyRecord struct {
	// Fingerprints of the values last applied (state).
	Fingerprints map[string]string `json:"fingerprints,omitempty"`
	// Changed lists the values that differ from the ones last applied: in a
	// plan, what this update sends for that reason; in state, what an update
	// that failed did not get to apply, so the next plan sends it again.
	Changed []string `json:"changed,omitempty"`
	// Unrecorded lists, in a plan, the configured values with no
	// fingerprint: an update that sends nothing must not record them.
	Unrecorded []string `json:"unrecorded,omitempty"`
}

// privateData is the framework's private state of a request or response.
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func readWriteOnlyRecord(ctx context.Context, p privateData) writeOnlyRecord {
	var rec writeOnlyRecord
	if p == nil {
		return rec
	}
	raw, diags := p.GetKey(ctx, writeOnlyKey)
	if diags.HasError() || len(raw) == 0 {
		return rec
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		tflog.Warn(ctx, "the write-only record in private state cannot be read; treating it as absent")
		return writeOnlyRecord{}
	}
	return rec
}

func writeWriteOnlyRecord(ctx context.Context, p privateData, rec writeOnlyRecord) diag.Diagnostics {
	if p == nil {
		return nil
	}
	if len(rec.Fingerprints) == 0 && len(rec.Changed) == 0 && len(rec.Unrecorded) == 0 {
		return p.SetKey(ctx, writeOnlyKey, nil) // removes the key
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Provider error", "cannot record the write-only secrets: "+err.Error())
		return diags
	}
	return p.SetKey(ctx, writeOnlyKey, raw)
}

// configuresWriteOnly reports, without converting the configuration,
// whether it sets any write-only value: only then can a plan that changes
// nothing else still have a secret to send.
func configuresWriteOnly(raw tftypes.Value) bool {
	if raw.IsNull() || !raw.IsKnown() {
		return false
	}
	for _, t := range integrationtype.All {
		for _, p := range writeOnlyPaths[t.Block] {
			v, _, err := tftypes.WalkAttributePath(raw, p)
			if tv, ok := v.(tftypes.Value); err == nil && ok && !tv.IsNull() {
				return true
			}
		}
	}
	return false
}

var writeOnlyPaths = func() map[string][]*tftypes.AttributePath {
	m := map[string][]*tftypes.AttributePath{}
	for _, t := range integrationtype.All {
		m[t.Block] = t.WriteOnlyAttributePaths()
	}
	return m
}()

// fingerprintsOf fingerprints the configured write-only values, but for
// those named in except.
func fingerprintsOf(t *integrationtype.Type, config types.Object, except ...[]string) (map[string]string, error) {
	var out map[string]string
	for _, s := range t.WriteOnlySecrets() {
		wo := s.WriteOnly(config)
		if wo == nil || wo.IsNull() || wo.IsUnknown() || slices.ContainsFunc(except, func(l []string) bool { return slices.Contains(l, s.WriteOnlyPath) }) {
			continue
		}
		fp, err := fingerprint.New(stringOf(wo))
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]string{}
		}
		out[s.WriteOnlyPath] = fp
	}
	return out, nil
}

// recordApplied stores the fingerprints of what a successful create or
// update sent: the configuration's write-only values.
func recordApplied(ctx context.Context, t *integrationtype.Type, config types.Object, p privateData, out *diag.Diagnostics) {
	fps, err := fingerprintsOf(t, config)
	if err != nil {
		out.AddWarning("Cannot record the write-only secrets",
			"Immuta received the configured write-only values, but the provider could not fingerprint them ("+err.Error()+"). "+
				"The next in-place update sends them again, and its plan says so.")
	}
	out.Append(writeWriteOnlyRecord(ctx, p, writeOnlyRecord{Fingerprints: fps})...)
}

// recordNotSent stores, after an update that sent nothing or failed, what
// still holds: the values the plan found unchanged are the ones Immuta has
// (fingerprinted again: the plan carried only its verdicts), and those it
// found changed are still to send, so the next plan shows them again.
func recordNotSent(ctx context.Context, t *integrationtype.Type, config types.Object, planned writeOnlyRecord, p privateData, out *diag.Diagnostics) {
	fps, err := fingerprintsOf(t, config, planned.Changed, planned.Unrecorded)
	if err != nil {
		fps = nil // the next update sends them, and its plan says so
	}
	out.Append(writeWriteOnlyRecord(ctx, p, writeOnlyRecord{Fingerprints: fps, Changed: planned.Changed})...)
}

func stringOf(v attr.Value) string {
	if s, ok := v.(basetypes.StringValuable); ok {
		if sv, d := s.ToStringValue(context.Background()); !d.HasError() {
			return sv.ValueString()
		}
	}
	return ""
}
