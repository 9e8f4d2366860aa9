// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// lostAnswerAttempts bounds how often a POST whose answer was lost is
// looked for and sent again.
const lostAnswerAttempts = 3

func (r *integrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer setIdentity(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	ctx, cancel, ch, ok := r.open(ctx, opCreate, &req.Plan, nil, &req.Config, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	t, planBlock, configBlock, timeout := ch.t, ch.block, ch.configBlock, ch.timeout
	autoBootstrap, to := ch.planned.AutoBootstrap, ch.planned.Timeouts

	payload := newPayload(t, autoBootstrap.ValueBool(), planBlock, configBlock)
	host := t.HostOfBlock(planBlock)
	name := describe(t, host, "")
	created, diags := r.createOrAdopt(ctx, t, payload, host, name)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name = describe(t, host, created.ID)

	// Save the ID at once: whatever happens next, the integration is in
	// state (tainted on error) and never orphaned in Immuta.
	pending := stateFromPlan(t, planBlock, autoBootstrap, created)
	resp.Diagnostics.Append(writeState(ctx, &resp.State, pending, to)...)
	if resp.Diagnostics.HasError() {
		return
	}
	recordApplied(ctx, t, configBlock, resp.Private, &resp.Diagnostics)

	status, err := r.client.WaitHealthy(ctx, created.ID)
	if client.IsNotFound(err) {
		// Immuta has no integration with the id its answer gave: the answer
		// was not its own (a proxy's, or mangled). The integration it made
		// is on this host.
		if found, ok := r.findByHost(ctx, t, host); ok && found.ID != created.ID {
			tflog.Warn(ctx, "the create's answer named an integration Immuta does not have; adopting the one on this host",
				map[string]any{"answered_id": created.ID, "id": found.ID})
			created = found
			name = describe(t, host, created.ID)
			resp.Diagnostics.Append(writeState(ctx, &resp.State, stateFromPlan(t, planBlock, autoBootstrap, created), to)...)
			status, err = r.client.WaitHealthy(ctx, created.ID)
		}
	}
	if err != nil && interrupted(ctx) {
		resp.Diagnostics.Append(interruptedWait(name, opCreate)...)
		r.recordFailure(ctx, &resp.State, err)
		return
	}
	if err != nil {
		if confirmed, ok := r.confirmHealthy(ctx, created.ID, err); ok {
			tflog.Info(ctx, "the wait for the create failed, but Immuta reports the integration healthy", map[string]any{"id": created.ID, "error": err.Error()})
			status, err = confirmed, nil
		}
	}
	if err != nil {
		resp.Diagnostics.Append(waitDiagnostics(t, name, opCreate, err, timeout)...)
		r.recordFailure(ctx, &resp.State, err)
		return
	}
	resp.Diagnostics.Append(validationDiagnostics(t, name, status.ValidationResults, false)...)

	// The wait may have used up the create's time (and been confirmed on a
	// fresh context): the read-back gets its own bound then.
	readCtx := ctx
	if ctx.Err() != nil {
		var cancelRead context.CancelFunc
		readCtx, cancelRead = context.WithTimeout(context.WithoutCancel(ctx), confirmTimeout)
		defer cancelRead()
	}
	prior := priorState{Block: planBlock, AutoBootstrap: autoBootstrap,
		Status: types.StringValue(status.Status), ValidationResults: validationResultsValue(status.ValidationResults)}
	s, err := r.readBack(readCtx, t, created.ID, prior)
	if err != nil {
		// Immuta says the integration is healthy: keep it (not tainted) with
		// the planned values, and let the next plan read it again.
		resp.Diagnostics.AddWarning("Cannot read the new integration back",
			fmt.Sprintf("%s was created and Immuta reports it %s, but reading it back failed: %s. The state holds the planned values; "+
				"the next plan reads it again.", name, status.Status, err))
		s = stateFromPlan(t, planBlock, autoBootstrap, created)
		s.Status, s.ValidationResults = status.Status, prior.ValidationResults
	}
	resp.Diagnostics.Append(writeState(ctx, &resp.State, s, to)...)
}

// createOrAdopt POSTs the payload. A POST whose answer was lost may have
// created the integration, so before sending it again the provider looks
// for an integration of the same type on the same host and adopts it; and
// when the lost POST lands only after that lookup, so that the next POST is
// answered 409 "already exists" (or 400 "previously failed to create"), it
// adopts the integration that answer names.
func (r *integrationResource) createOrAdopt(ctx context.Context, t *integrationtype.Type, payload client.Payload, host, name string) (*client.Integration, diag.Diagnostics) {
	var diags diag.Diagnostics
	for attempt := 1; ; attempt++ {
		created, err := r.client.CreateIntegration(ctx, payload)
		if err != nil && interrupted(ctx) {
			return nil, r.interruptedCreateRequest(ctx, t, host, name)
		}
		if err == nil {
			if created == nil || created.ID == "" {
				// Some gateways answer 201/204 without a body: find what was made.
				if found, ok := r.findByHost(ctx, t, host); ok {
					return found, diags
				}
				diags.AddError("Immuta did not return the new integration", name+": the create request succeeded but its answer held no integration ID, and none was found on that host.")
				return nil, diags
			}
			return created, diags
		}
		if id, ok := madeByLostRequest(err); ok {
			found, gerr := r.client.GetIntegration(ctx, id)
			switch {
			case client.IsGone(found, gerr):
				// A deleted record holds no host: never adopt it, nor advise importing it.
				diags.AddError("Immuta refused the create for a deleted integration",
					fmt.Sprintf("%s: Immuta answered that integration %s holds this host, but that integration is deleted. Nothing was created "+
						"and nothing was saved in state. Immuta may still be removing it: run terraform apply again in a few minutes.", name, id))
				return nil, diags
			case attempt > 1 && gerr == nil && found != nil:
				// The request whose answer was lost landed after the lookup below:
				// the integration on this host is the one it made.
				found.ID = id // the one asked for, whatever the answer says
				tflog.Info(ctx, "the create request whose answer was lost went through after all; adopting its integration", map[string]any{"id": id})
				return found, diags
			}
		}
		if !client.IsOutcomeUnknown(err) || attempt >= lostAnswerAttempts || ctx.Err() != nil {
			return nil, createErrorDiagnostics(t, name, err)
		}
		tflog.Warn(ctx, "the answer to a create request was lost; looking for the integration before sending it again",
			map[string]any{"type": t.APIName, "host": host, "attempt": attempt, "error": err.Error()})
		if found, ok := r.findByHost(ctx, t, host); ok {
			tflog.Info(ctx, "adopting the integration created by the request whose answer was lost", map[string]any{"id": found.ID})
			return found, diags
		}
	}
}

// madeByLostRequest reads the ID of the integration that a re-post found on
// its host: 409 "already exists", or 400 "previously failed to create" when
// the lost request's create failed on the platform (the integration is then
// adopted in createError, and left tainted like any failed create).
func madeByLostRequest(err error) (string, bool) {
	if id, ok := client.AlreadyExistsID(err); ok {
		return id, true
	}
	return client.PreviouslyFailedID(err)
}

func (r *integrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer setIdentity(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	if !r.requireClient(&resp.Diagnostics) {
		return
	}
	state, d := stateModel(ctx, req.State)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, autoBootstrap, to := state.ID.ValueString(), state.AutoBootstrap, state.Timeouts
	name := "Immuta integration " + id
	prior, priorBlock, known := state.typeBlock()
	if known {
		name = describe(prior, prior.HostOfBlock(priorBlock), id)
		ctx = client.WithSecrets(ctx, prior.SecretValues(priorBlock)...)
	}
	obj, err := r.client.GetIntegration(ctx, id)
	if client.IsGone(obj, err) {
		how := "was not found"
		if err == nil {
			how = "is reported by Immuta with status deleted"
		}
		resp.Diagnostics.AddWarning("Integration no longer exists",
			fmt.Sprintf("%s %s; it was deleted outside Terraform. Removing it from state, so the plan creates it again.", name, how))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil && known {
		resp.Diagnostics.Append(apiErrorDiagnostics(prior, name, opRead, err)...)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read integration", fmt.Sprintf("%s: %s", name, err))
		return
	}
	t, ok := integrationtype.ByAPIName(obj.Type)
	if !ok {
		resp.Diagnostics.AddError("Unsupported integration type",
			fmt.Sprintf("Immuta integration %s has type %q, which this provider version does not support.", obj.ID, obj.Type))
		return
	}
	switch obj.Status {
	case client.StatusRecurringValidationError:
		resp.Diagnostics.Append(validationDiagnostics(t, describe(t, "", id), obj.ValidationResults, true)...)
	case client.StatusDisabled:
		resp.Diagnostics.AddWarning("Integration is disabled",
			fmt.Sprintf("Immuta reports %s as disabled: it was force-disabled and is not in use. Terraform keeps it in state unchanged. "+
				"To set it up again, replace it: terraform apply -replace=<resource address>.", describe(t, "", id)))
	}
	if prior != t {
		priorBlock = types.ObjectNull(t.AttrTypes()) // secrets of another type do not carry over
	}
	s, d := stateFromAPI(t, id, obj, priorState{Block: priorBlock, AutoBootstrap: autoBootstrap, Status: state.Status, ValidationResults: state.ValidationResults})
	resp.Diagnostics.Append(d...)
	if !known && len(s.Unmanaged) > 0 {
		// An import (or an adoption by terraform query): say once what the
		// configuration will not manage, and that it is safe.
		resp.Diagnostics.AddWarning("Settings this provider does not manage",
			fmt.Sprintf("Immuta holds settings for %s that this provider does not model: %s. Terraform does not manage them, and every "+
				"in-place update keeps them exactly as Immuta holds them. They are shown in the unmanaged_settings attribute.",
				describe(t, "", id), strings.Join(s.Unmanaged.Keys(), ", ")))
	}
	resp.Diagnostics.Append(writeState(ctx, &resp.State, s, to)...)
}

func (r *integrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer setIdentity(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	ctx, cancel, ch, ok := r.open(ctx, opUpdate, &req.Plan, &req.State, &req.Config, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	t, planBlock, configBlock, timeout := ch.t, ch.block, ch.configBlock, ch.timeout
	id, autoBootstrap, to := ch.planned.ID.ValueString(), ch.planned.AutoBootstrap, ch.planned.Timeouts

	if !t.HasSetup() {
		// Trino has nothing to edit; its only in-place change is a key rotation.
		r.updateTrino(ctx, req, resp, ch)
		return
	}
	// The planned private state names the write-only values that changed;
	// what the state keeps of them depends on whether Immuta applied them.
	planned, applied := readWriteOnlyRecord(ctx, req.Private), false
	defer func() {
		if applied {
			recordApplied(ctx, t, configBlock, resp.Private, &resp.Diagnostics)
		} else {
			recordNotSent(ctx, t, configBlock, planned, resp.Private, &resp.Diagnostics)
		}
	}()
	name := describe(t, t.HostOfBlock(planBlock), id)
	// On failure Immuta keeps (or rolls back to) the previous configuration,
	// and so does the state.
	resp.State.Raw = req.State.Raw.Copy()
	if planBlock.Equal(ch.stateBlock) && len(planned.Changed) == 0 {
		// Only Terraform's own settings (timeouts) changed: nothing to send.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("timeouts"), to)...)
		return
	}

	_, err := r.client.WhenIdle(ctx, id, func() error {
		full, err := r.withUnmanaged(ctx, t, id, autoBootstrap.ValueBool(), planBlock, configBlock)
		if err != nil {
			return err
		}
		_, err = r.client.UpdateIntegration(ctx, id, full)
		return err
	})
	if err != nil && interrupted(ctx) {
		resp.Diagnostics.Append(interruptedRequest(name, opUpdate)...)
		return
	}
	var unread readBeforeUpdateError
	if err != nil && errors.As(err, &unread) && !client.IsUnauthorized(err) && !client.IsForbidden(err) {
		resp.Diagnostics.AddError("Cannot update integration: reading it first failed",
			fmt.Sprintf("%s: %s.\n\nNothing was sent: Immuta and the state are unchanged. Run terraform apply again once Immuta answers; "+
				"if the integration was deleted in Immuta, terraform plan shows it to be created again.", name, err))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(updateErrorDiagnostics(t, name, err)...)
		return
	}
	status, err := r.client.WaitHealthy(ctx, id)
	if err != nil && interrupted(ctx) {
		resp.Diagnostics.Append(interruptedWait(name, opUpdate)...)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(waitDiagnostics(t, name, opUpdate, err, timeout)...)
		r.recordFailure(ctx, &resp.State, err)
		return
	}
	resp.Diagnostics.Append(validationDiagnostics(t, name, status.ValidationResults, false)...)
	applied = true

	s, err := r.readBack(ctx, t, id, priorState{Block: planBlock, AutoBootstrap: autoBootstrap,
		Status: types.StringValue(status.Status), ValidationResults: ch.planned.ValidationResults})
	if err != nil {
		resp.Diagnostics.Append(readBackFailed(name, "updated", err)...)
		return
	}
	// validation_results and unmanaged_settings stay as planned (their prior
	// values), so that update plans do not list them; this update's results
	// were reported above, and the next read stores both.
	s.ValidationResults = ch.planned.ValidationResults
	resp.Diagnostics.Append(writeState(ctx, &resp.State, s, to)...)
	if !ch.planned.UnmanagedSettings.IsUnknown() {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("unmanaged_settings"), ch.planned.UnmanagedSettings)...)
	}
}

// readBack reads an integration after a change and builds its state; what
// Immuta's answer leaves out keeps its value from prior. An answer that
// cannot be read, or names another integration, is an error.
func (r *integrationResource) readBack(ctx context.Context, t *integrationtype.Type, id string, prior priorState) (integrationState, error) {
	obj, err := r.client.GetIntegration(ctx, id)
	if err != nil {
		return integrationState{}, err
	}
	s, diags := stateFromAPI(t, id, obj, prior)
	if diags.HasError() {
		return integrationState{}, errors.New(diags.Errors()[0].Detail())
	}
	return s, nil
}

// withUnmanaged builds an update's payload: what the configuration
// manages, plus every setting Immuta holds that the provider does not
// manage, read just before the PUT, since Immuta's update replaces the whole
// configuration and a setting left out would be lost. (The last refresh may
// be hours old when a saved plan is applied; a read now carries what Immuta
// holds now.) When the read fails nothing is sent.
func (r *integrationResource) withUnmanaged(ctx context.Context, t *integrationtype.Type, id string, autoBootstrap bool, plan, config types.Object) (client.Payload, error) {
	payload := newPayload(t, autoBootstrap, plan, config)
	current, err := r.client.GetIntegration(ctx, id)
	if err == nil && client.IsGone(current, nil) {
		err = fmt.Errorf("integration %s is reported by Immuta with status deleted", id)
	}
	if err != nil {
		return payload, readBeforeUpdateError{err}
	}
	unmanaged, err := t.Unmanaged(current.Config, client.RedactedValue)
	if err != nil {
		return payload, readBeforeUpdateError{err}
	}
	if len(unmanaged) > 0 {
		tflog.Debug(ctx, "keeping settings the provider does not manage", map[string]any{"id": id, "settings": unmanaged.Keys()})
		if cfg, ok := payload.Config.(map[string]any); ok {
			payload.Config = integrationtype.WithUnmanaged(cfg, unmanaged)
		}
	}
	return payload, nil
}

// readBeforeUpdateError: the read that precedes every update failed, so the
// update was not sent.
type readBeforeUpdateError struct{ err error }

func (e readBeforeUpdateError) Error() string {
	return fmt.Sprintf("reading the integration before updating it failed (Immuta's update replaces the whole configuration, so the provider "+
		"reads the settings it does not manage first, to send them back), and nothing was sent: %v", e.err)
}

func (e readBeforeUpdateError) Unwrap() error { return e.err }

// readBackFailed: the change was made in Immuta, but reading it back failed;
// the state keeps its prior values (the caller's resp.State) until the next
// plan reads the integration again.
func readBackFailed(name, done string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Cannot read the integration back",
		fmt.Sprintf("%s was %s in Immuta, but reading it back failed: %s. The state keeps its previous values; the next plan reads "+
			"the integration again and shows what differs.", name, done, err))
	return diags
}

func (r *integrationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel, ch, ok := r.open(ctx, opDelete, nil, &req.State, nil, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	t, stateBlock, timeout := ch.t, ch.block, ch.timeout
	id, autoBootstrap := ch.planned.ID.ValueString(), ch.planned.AutoBootstrap
	name := describe(t, t.HostOfBlock(stateBlock), id)
	body, missing := deleteRequest(t, name, autoBootstrap.ValueBool(), stateBlock, r.deleteCredentials)
	if missing != nil {
		resp.Diagnostics.Append(missing.applyError()...)
		return
	}
	if body != nil {
		// Secrets from IMMUTA_DELETE_* are masked in the status polls too.
		if creds, ok := body.Config.(map[string]any); ok {
			ctx = client.WithSecrets(ctx, t.SecretAPIValues(creds)...)
		}
	}
	waited, err := r.client.WhenIdle(ctx, id, func() error {
		_, err := r.client.DeleteIntegration(ctx, id, body)
		return err
	})
	if waited == client.StatusCreating {
		// A tainted integration whose create an earlier apply left running
		// (interrupted, or out of time): Terraform shows no progress of its
		// own, so say afterwards what the wait was.
		resp.Diagnostics.AddWarning("Waited for Immuta's earlier create",
			fmt.Sprintf("Immuta was still creating %s, the create an earlier apply started and did not see finish (interrupted, or out of time), "+
				"when Terraform came to delete it: the provider waited for that create to finish before deleting it.", name))
	}
	if client.IsNotFound(err) {
		return // already gone: that is what delete wants
	}
	if err != nil && interrupted(ctx) {
		resp.Diagnostics.Append(interruptedRequest(name, opDelete)...)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostics(t, name, opDelete, err)...)
		return
	}
	err = r.client.WaitGone(ctx, id)
	switch {
	case err != nil && interrupted(ctx):
		resp.Diagnostics.Append(interruptedWait(name, opDelete)...)
	case err != nil:
		resp.Diagnostics.Append(waitDiagnostics(t, name, opDelete, err, timeout)...)
	}
}

// confirmTimeout bounds the one look that confirms a create's outcome after
// its wait failed.
const confirmTimeout = 30 * time.Second

// confirmHealthy looks once more at an integration whose create wait failed
// for another reason than Immuta's verdict (time ran out while the status
// could not be read, say): a healthy integration must not be tainted and
// replaced. A wait the user cancelled is not second-guessed.
func (r *integrationResource) confirmHealthy(ctx context.Context, id string, waitErr error) (*client.IntegrationStatus, bool) {
	var failed *client.OperationFailedError
	if errors.As(waitErr, &failed) || errors.Is(ctx.Err(), context.Canceled) {
		return nil, false
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), confirmTimeout)
	defer cancel()
	st, err := r.client.GetIntegrationStatus(cctx, id)
	if err != nil || st == nil || !client.IsHealthy(st.Status) {
		return nil, false
	}
	return st, true
}

// recordFailure stores the status Immuta reported for a failed operation.
func (r *integrationResource) recordFailure(ctx context.Context, state *tfsdk.State, err error) {
	var failed *client.OperationFailedError
	if errors.As(err, &failed) {
		state.SetAttribute(ctx, path.Root("status"), failed.Status)
		state.SetAttribute(ctx, path.Root("validation_results"), validationResultsValue(failed.ValidationResults))
		return
	}
	var timeout *client.WaitTimeoutError
	if errors.As(err, &timeout) && timeout.LastStatus != "" {
		state.SetAttribute(ctx, path.Root("status"), timeout.LastStatus)
	}
}

// describe names an integration in messages: type, host and ID.
func describe(t *integrationtype.Type, host, id string) string {
	s := t.DisplayName + " integration"
	if host != "" {
		s += " on " + host
	}
	if id != "" {
		s += fmt.Sprintf(" (id %s)", id)
	}
	return s
}

func newPayload(t *integrationtype.Type, autoBootstrap bool, plan, config types.Object) client.Payload {
	p := client.Payload{Type: t.APIName}
	if t.HasSetup() {
		p.AutoBootstrap = &autoBootstrap
		p.Config = t.APIConfig(plan, config)
	}
	return p
}
