// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	plan := planValues(ctx, req.Plan)
	t, planBlock, ok := typeBlock(ctx, plan)
	if !ok {
		resp.Diagnostics.AddError("No integration type", "Set exactly one integration type block.")
		return
	}
	_, configBlock, _ := typeBlock(ctx, configValues(ctx, req.Config))
	op, d := readOperation(ctx, plan)
	resp.Diagnostics.Append(d...)
	autoBootstrap, to := op.autoBootstrap, op.timeouts
	timeout, d := to.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = client.WithSecrets(ctx, t.SecretValues(planBlock, configBlock)...)

	payload := newPayload(t, autoBootstrap.ValueBool(), planBlock, configBlock)
	name := describe(t, hostOf(t, payload), "")
	created, diags := r.createOrAdopt(ctx, t, payload, name)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name = describe(t, hostOf(t, payload), created.ID)

	// Save the ID at once: whatever happens next, the integration is in
	// state (tainted on error) and never orphaned in Immuta.
	pending := stateFromPlan(t, planBlock, autoBootstrap, created)
	resp.Diagnostics.Append(writeState(ctx, &resp.State, pending, to)...)
	if resp.Diagnostics.HasError() {
		return
	}

	status, err := r.client.WaitForStatus(ctx, created.ID, client.WaitOptions{Target: client.HealthyStatuses()})
	if client.IsNotFound(err) {
		// Immuta has no integration with the id its answer gave: the answer
		// was not its own (a proxy's, or mangled). The integration it made
		// is on this host.
		if found, ok := r.findByHost(ctx, t, hostOf(t, payload)); ok && found.ID != created.ID {
			tflog.Warn(ctx, "the create's answer named an integration Immuta does not have; adopting the one on this host",
				map[string]any{"answered_id": created.ID, "id": found.ID})
			created = found
			name = describe(t, hostOf(t, payload), created.ID)
			resp.Diagnostics.Append(writeState(ctx, &resp.State, stateFromPlan(t, planBlock, autoBootstrap, created), to)...)
			status, err = r.client.WaitForStatus(ctx, created.ID, client.WaitOptions{Target: client.HealthyStatuses()})
		}
	}
	if err != nil && interrupted(ctx) {
		resp.Diagnostics.Append(interruptedWait(name, "create")...)
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
		resp.Diagnostics.Append(waitDiagnostics(t, name, "create", err, timeout)...)
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
	obj, err := r.client.GetIntegration(readCtx, created.ID)
	var s integrationState
	var readDiags diag.Diagnostics
	if err == nil {
		s, readDiags = stateFromAPI(t, created.ID, obj, prior)
	}
	if err != nil || readDiags.HasError() {
		// Immuta says the integration is healthy: keep it (not tainted) with
		// the planned values, and let the next plan read it again.
		why := fmt.Sprint(err)
		if readDiags.HasError() {
			why = readDiags.Errors()[0].Detail()
		}
		resp.Diagnostics.AddWarning("Cannot read the new integration back",
			fmt.Sprintf("%s was created and Immuta reports it %s, but reading it back failed: %s. The state holds the planned values; "+
				"the next plan reads it again.", name, status.Status, why))
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
func (r *integrationResource) createOrAdopt(ctx context.Context, t *integrationtype.Type, payload client.Payload, name string) (*client.Integration, diag.Diagnostics) {
	var diags diag.Diagnostics
	host := hostOf(t, payload)
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

// findByHost returns the integration of type t on host, if there is one.
func (r *integrationResource) findByHost(ctx context.Context, t *integrationtype.Type, host string) (*client.Integration, bool) {
	all, err := r.client.ListIntegrations(ctx)
	if err != nil {
		tflog.Warn(ctx, "listing integrations failed", map[string]any{"error": err.Error()})
		return nil, false
	}
	for i := range all {
		if all[i].Type != t.APIName || client.IsDeleted(all[i].Status) {
			continue // a deleted record lingers in the list but holds no host
		}
		var cfg map[string]any
		if err := all[i].DecodeConfig(&cfg); err != nil {
			continue
		}
		if len(t.HostKey) == 0 || t.HostKeyOf(cfg) == host {
			return &all[i], true
		}
	}
	return nil, false
}

func (r *integrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer setIdentity(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	state := stateValues(ctx, req.State)
	op, d := readOperation(ctx, state)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	autoBootstrap, to := op.autoBootstrap, op.timeouts
	name := "Immuta integration " + op.id
	prior, priorBlock, known := typeBlock(ctx, state)
	if known {
		name = describe(prior, blockHost(prior, priorBlock), op.id)
		ctx = client.WithSecrets(ctx, prior.SecretValues(priorBlock)...)
	}
	obj, err := r.client.GetIntegration(ctx, op.id)
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
		resp.Diagnostics.Append(apiErrorDiagnostics(prior, name, "read", err)...)
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
		resp.Diagnostics.Append(validationDiagnostics(t, describe(t, "", op.id), obj.ValidationResults, true)...)
	case client.StatusDisabled:
		resp.Diagnostics.AddWarning("Integration is disabled",
			fmt.Sprintf("Immuta reports %s as disabled: it was force-disabled and is not in use. Terraform keeps it in state unchanged. "+
				"To set it up again, replace it: terraform apply -replace=<resource address>.", describe(t, "", op.id)))
	}
	if prior != t {
		priorBlock = types.ObjectNull(t.AttrTypes()) // secrets of another type do not carry over
	}
	var status types.String
	var results types.List
	resp.Diagnostics.Append(state(ctx, path.Root("status"), &status)...)
	resp.Diagnostics.Append(state(ctx, path.Root("validation_results"), &results)...)
	s, d := stateFromAPI(t, op.id, obj, priorState{Block: priorBlock, AutoBootstrap: autoBootstrap, Status: status, ValidationResults: results})
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(writeState(ctx, &resp.State, s, to)...)
}

func (r *integrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer setIdentity(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	plan := planValues(ctx, req.Plan)
	t, planBlock, ok := typeBlock(ctx, plan)
	if !ok {
		return
	}
	_, configBlock, _ := typeBlock(ctx, configValues(ctx, req.Config))
	op, d := readOperation(ctx, plan)
	resp.Diagnostics.Append(d...)
	id, autoBootstrap, to := op.id, op.autoBootstrap, op.timeouts
	timeout, d := to.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, stateBlock, ok := typeBlock(ctx, stateValues(ctx, req.State)); ok {
		ctx = client.WithSecrets(ctx, t.SecretValues(planBlock, configBlock, stateBlock)...)
	}

	if !t.HasConfig {
		// Trino has nothing to edit; its only in-place change is a key rotation.
		r.updateTrino(ctx, req, resp, id, planBlock, autoBootstrap, to)
		return
	}
	payload := newPayload(t, autoBootstrap.ValueBool(), planBlock, configBlock)
	name := describe(t, hostOf(t, payload), id)
	// On failure Immuta keeps (or rolls back to) the previous configuration,
	// and so does the state.
	resp.State.Raw = req.State.Raw.Copy()
	if _, stateBlock, ok := typeBlock(ctx, stateValues(ctx, req.State)); ok && planBlock.Equal(stateBlock) {
		// Only Terraform's own settings (timeouts) changed: nothing to send.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("timeouts"), to)...)
		return
	}

	_, err := r.whenIdle(ctx, id, func() error {
		_, err := r.client.UpdateIntegration(ctx, id, payload)
		return err
	})
	if err != nil && interrupted(ctx) {
		resp.Diagnostics.Append(interruptedWait(name, "update request")...)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(updateErrorDiagnostics(t, name, err)...)
		return
	}
	status, err := r.client.WaitForStatus(ctx, id, client.WaitOptions{Target: client.HealthyStatuses()})
	if err != nil && interrupted(ctx) {
		resp.Diagnostics.Append(interruptedWait(name, "update")...)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(waitDiagnostics(t, name, "update", err, timeout)...)
		r.recordFailure(ctx, &resp.State, err)
		return
	}
	resp.Diagnostics.Append(validationDiagnostics(t, name, status.ValidationResults, false)...)

	obj, err := r.client.GetIntegration(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the updated integration", fmt.Sprintf("%s was updated, but reading it back failed: %s", name, err))
		return
	}
	s, d := stateFromAPI(t, id, obj, priorState{Block: planBlock, AutoBootstrap: autoBootstrap,
		Status: types.StringValue(status.Status), ValidationResults: validationResultsValue(status.ValidationResults)})
	// validation_results stays as planned (the prior results), so that update
	// plans do not list it; this update's results were reported above, and
	// the next read stores them.
	var planned types.List
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("validation_results"), &planned)...)
	s.ValidationResults = planned
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(writeState(ctx, &resp.State, s, to)...)
}

func (r *integrationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	state := stateValues(ctx, req.State)
	t, stateBlock, ok := typeBlock(ctx, state)
	if !ok {
		return
	}
	op, d := readOperation(ctx, state)
	resp.Diagnostics.Append(d...)
	id, autoBootstrap, to := op.id, op.autoBootstrap, op.timeouts
	timeout, d := to.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ctx = client.WithSecrets(ctx, t.SecretValues(stateBlock)...)
	name := describe(t, blockHost(t, stateBlock), id)
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
	waited, err := r.whenIdle(ctx, id, func() error {
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
		resp.Diagnostics.Append(interruptedWait(name, "delete request")...)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostics(t, name, "delete", err)...)
		return
	}
	_, err = r.client.WaitForStatus(ctx, id, client.WaitOptions{UntilGone: true})
	switch {
	case err != nil && interrupted(ctx):
		resp.Diagnostics.Append(interruptedWait(name, "delete")...)
	case err != nil:
		resp.Diagnostics.Append(waitDiagnostics(t, name, "delete", err, timeout)...)
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
	if err != nil || st == nil || !slices.Contains(client.HealthyStatuses(), st.Status) {
		return nil, false
	}
	return st, true
}

// whenIdle runs a PUT or DELETE, and while Immuta answers 409 because the
// integration is busy (creating, editing, deleting, migrating), waits until
// it settles and tries again, within ctx's deadline. A 409 while the status
// already says idle backs off exponentially (250 ms doubling to 10 s), so a
// server that contradicts itself gets a few requests, then one every 10 s.
// waited is the first busy status it waited through ("" if none).
func (r *integrationResource) whenIdle(ctx context.Context, id string, call func() error) (waited string, _ error) {
	contradicted := 0 // 409s in a row while the status already said idle
	for {
		err := call()
		state, busy := client.BusyState(err)
		if !busy {
			return waited, err
		}
		if waited == "" {
			waited = state
		}
		tflog.Info(ctx, "integration is busy; waiting for it to settle before trying again", map[string]any{"id": id, "status": state})
		waitStart := time.Now()
		if _, werr := r.client.WaitForStatus(ctx, id, client.WaitOptions{Target: client.TerminalStatuses()}); werr != nil {
			var failed *client.OperationFailedError
			if !errors.As(werr, &failed) {
				if ctx.Err() != nil {
					return waited, busyTimeoutError{state: state, err: werr}
				}
				return waited, werr
			}
		}
		if time.Since(waitStart) >= time.Second {
			contradicted = 0 // it really was busy, and now is not: try at once
			continue
		}
		contradicted++
		timer := time.NewTimer(client.BusyBackoff(contradicted))
		select {
		case <-ctx.Done():
			timer.Stop()
			return waited, busyTimeoutError{state: state, err: ctx.Err()}
		case <-timer.C:
		}
	}
}

// busyTimeoutError: the time ran out while Immuta kept answering that the
// integration is busy.
type busyTimeoutError struct {
	state string
	err   error
}

func (e busyTimeoutError) Error() string {
	return fmt.Sprintf("Immuta kept answering that the integration is busy (status %s): %v", e.state, e.err)
}

func (e busyTimeoutError) Unwrap() error { return e.err }

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

func hostOf(t *integrationtype.Type, p client.Payload) string {
	cfg, _ := p.Config.(map[string]any)
	if len(t.HostKey) == 0 {
		return ""
	}
	return t.HostKeyOf(cfg)
}

func newPayload(t *integrationtype.Type, autoBootstrap bool, plan, config types.Object) client.Payload {
	p := client.Payload{Type: t.APIName}
	if t.SendsAutoBootstrap {
		p.AutoBootstrap = &autoBootstrap
	}
	if t.HasConfig {
		p.Config = t.APIConfig(plan, config)
	}
	return p
}

// operation is what every operation reads besides the type block.
type operation struct {
	id            string
	autoBootstrap types.Bool
	timeouts      timeouts.Value
}

func readOperation(ctx context.Context, get getter) (operation, diag.Diagnostics) {
	var op operation
	var id types.String
	var diags diag.Diagnostics
	diags.Append(get(ctx, path.Root("id"), &id)...)
	diags.Append(get(ctx, path.Root("auto_bootstrap"), &op.autoBootstrap)...)
	diags.Append(get(ctx, path.Root("timeouts"), &op.timeouts)...)
	op.id = id.ValueString()
	return op, diags
}

// blockHost is the host key of a type block, for messages.
func blockHost(t *integrationtype.Type, block types.Object) string {
	if len(t.HostKey) == 0 {
		return ""
	}
	return t.HostKeyOf(t.APIConfig(block, types.ObjectNull(t.AttrTypes())))
}
