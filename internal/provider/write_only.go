// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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

// writeOnlyPlan is what the plan of one integration decides about its
// write-only secrets.
type writeOnlyPlan struct {
	// block is the plan's type block with the versions the provider counts.
	block types.Object
	// changed: configured values that differ from the ones last applied.
	changed []string
	// forced: changed values whose version the configuration sets and did
	// not increase; nothing in the block shows them, so the plan must.
	forced []string
	// unrecorded: configured values with no fingerprint (an imported or
	// adopted integration, or one an earlier build applied).
	unrecorded []string
	// unknown: a write-only value is known only at apply.
	unknown bool
}

// planWriteOnly decides, for a create (state null) or an in-place update,
// which write-only secrets changed, and counts the versions the
// configuration leaves to the provider: 1 on create, one more whenever the
// value differs from the one last applied. A replacement plans like a
// create (Terraform plans its create again, from no state, at apply).
func planWriteOnly(t *integrationtype.Type, config, plan, state types.Object, creating bool, rec writeOnlyRecord) (writeOnlyPlan, error) {
	out := writeOnlyPlan{block: plan}
	for _, s := range t.WriteOnlySecrets() {
		wo, configured := s.WriteOnly(config), false
		if wo != nil && !wo.IsNull() {
			configured = true
		}
		counted := s.Version(config) == nil || s.Version(config).IsNull()
		var version types.Int64
		switch {
		case !configured:
			version = types.Int64Null()
		case creating:
			version = types.Int64Value(1)
		case wo.IsUnknown():
			out.unknown = true
			version = types.Int64Unknown()
		default:
			version = int64Of(s.Version(state))
			changed, recorded := writeOnlyChanged(s, wo, state, rec)
			switch {
			case !recorded:
				out.unrecorded = append(out.unrecorded, s.WriteOnlyPath)
			case changed:
				out.changed = append(out.changed, s.WriteOnlyPath)
				if counted {
					version = increment(version)
				} else if cv := s.Version(config); cv.Equal(s.Version(state)) {
					out.forced = append(out.forced, s.WriteOnlyPath)
				}
			}
		}
		if !counted {
			continue // the configuration's own version, already in the plan
		}
		var err error
		if out.block, err = s.WithVersion(out.block, version); err != nil {
			return out, err
		}
	}
	return out, nil
}

// writeOnlyChanged compares a configured write-only value with the one
// last applied: its fingerprint, else the stored secret the state holds
// (a switch from the stored attribute to its write-only form). recorded is
// false when there is nothing to compare with.
func writeOnlyChanged(s integrationtype.WriteOnlySecret, wo attr.Value, state types.Object, rec writeOnlyRecord) (changed, recorded bool) {
	value := stringOf(wo)
	if slices.Contains(rec.Changed, s.WriteOnlyPath) {
		return true, true // an update that failed did not apply it
	}
	if fp, ok := rec.Fingerprints[s.WriteOnlyPath]; ok {
		same, err := fingerprint.Matches(fp, value)
		if err == nil {
			return !same, true
		}
	}
	if stored := s.Stored(state); stored != nil && !stored.IsNull() && !stored.IsUnknown() {
		return stringOf(stored) != value, true
	}
	return false, false
}

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

// planWriteOnlyDiagnostics says what the plan cannot show in a value.
func planWriteOnlyDiagnostics(t *integrationtype.Type, name string, wp writeOnlyPlan, updating bool, out *diag.Diagnostics) {
	for _, p := range wp.forced {
		version := strings.TrimSuffix(p, "_wo") + "_wo_version"
		out.AddAttributeWarning(attributePath(t.Block, p), "Write-only secret changed",
			fmt.Sprintf("%s.%s differs from the value last applied to %s, so this plan updates the integration to send it. %s.%s is set in "+
				"the configuration and did not change: increase it in the same change to record the rotation, or remove it to let the "+
				"provider count it.", t.Block, p, name, t.Block, version))
	}
	if updating && len(wp.unrecorded) > 0 {
		attrs := make([]string, len(wp.unrecorded))
		for i, p := range wp.unrecorded {
			attrs[i] = t.Block + "." + p
		}
		out.AddWarning("Configured write-only secrets will be sent",
			fmt.Sprintf("This plan updates %s in place, and Immuta's update replaces the whole configuration, so it sends the configured %s. "+
				"Terraform has no record of the value last applied (the integration was imported, adopted with terraform query, or last "+
				"applied by an earlier build of this provider), so it cannot tell whether that is the credential Immuta holds now. "+
				"From this apply on, a change of the value shows in the plan.", name, strings.Join(attrs, ", ")))
	}
}

func attributePath(block, dotted string) path.Path {
	p := path.Root(block)
	for _, part := range strings.Split(dotted, ".") {
		p = p.AtName(part)
	}
	return p
}

func int64Of(v attr.Value) types.Int64 {
	if i, ok := v.(basetypes.Int64Value); ok {
		return i
	}
	return types.Int64Null()
}

func increment(v types.Int64) types.Int64 {
	if v.IsNull() || v.IsUnknown() {
		return types.Int64Value(1)
	}
	return types.Int64Value(v.ValueInt64() + 1)
}

func stringOf(v attr.Value) string {
	if s, ok := v.(basetypes.StringValuable); ok {
		if sv, d := s.ToStringValue(context.Background()); !d.HasError() {
			return sv.ValueString()
		}
	}
	return ""
}
