// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// operation is what the resource does to an integration: it chooses the
// timeout and the words of every message about it.
type operation int

const (
	opCreate operation = iota
	opRead
	opUpdate
	opDelete
)

// String is the operation as messages name it ("Cannot update integration").
func (o operation) String() string {
	switch o {
	case opCreate:
		return "create"
	case opRead:
		return "read"
	case opUpdate:
		return "update"
	}
	return "delete"
}

// Default waits for the asynchronous operations; Immuta's validation and
// bootstrap can take minutes on a busy platform.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

// timeout is how long the operation may take: the resource's timeouts of
// that name, else the default. A read has none of its own (the provider's
// request_timeout bounds it).
func (o operation) timeout(ctx context.Context, to timeouts.Value) (time.Duration, diag.Diagnostics) {
	switch o {
	case opCreate:
		return to.Create(ctx, defaultCreateTimeout)
	case opUpdate:
		return to.Update(ctx, defaultUpdateTimeout)
	}
	return to.Delete(ctx, defaultDeleteTimeout)
}

// change is what Create, Update and Delete work from.
type change struct {
	t *integrationtype.Type
	// planned is the plan (Create, Update) or the state (Delete); block its type block.
	planned integrationModel
	block   types.Object
	// state is the prior state (Update, Delete), stateBlock its type block;
	// configBlock holds the write-only values, which only the configuration has.
	state                   integrationModel
	configBlock, stateBlock types.Object
	// timeout is the operation's (timeouts.create, update or delete).
	timeout time.Duration
}

// open starts Create, Update and Delete alike: the values are converted
// once, the type block found, and the operation's context bounded by its
// timeout and told every secret the blocks hold (masked in whatever Immuta
// echoes). Delete passes no plan; Create no state. The returned cancel is
// never nil.
func (r *integrationResource) open(ctx context.Context, op operation, plan *tfsdk.Plan, state *tfsdk.State, config *tfsdk.Config,
	diags *diag.Diagnostics) (_ context.Context, cancel context.CancelFunc, ch change, ok bool) {
	noop := func() {}
	if !r.requireClient(diags) {
		return ctx, noop, ch, false
	}
	if state != nil {
		m, d := stateModel(ctx, *state)
		diags.Append(d...)
		ch.state = m
		_, ch.stateBlock, _ = m.typeBlock()
	}
	ch.planned = ch.state
	if plan != nil {
		m, d := planModel(ctx, *plan)
		diags.Append(d...)
		ch.planned = m
	}
	if config != nil {
		m, d := configModel(ctx, *config)
		diags.Append(d...)
		_, ch.configBlock, _ = m.typeBlock()
	}
	if ch.t, ch.block, ok = ch.planned.typeBlock(); !ok {
		missingTypeBlock(diags)
		return ctx, noop, ch, false
	}
	var d diag.Diagnostics
	ch.timeout, d = op.timeout(ctx, ch.planned.Timeouts)
	diags.Append(d...)
	if diags.HasError() {
		return ctx, noop, ch, false
	}
	ctx, cancel = context.WithTimeout(ctx, ch.timeout)
	return client.WithSecrets(ctx, ch.t.SecretValues(ch.block, ch.configBlock, ch.stateBlock)...), cancel, ch, true
}
