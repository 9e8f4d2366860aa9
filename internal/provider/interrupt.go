// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Terraform cancels a running operation's context on Ctrl-C (and on SIGTERM
// in automation). Immuta carries on with whatever it accepted, so an
// interrupted operation says what the state now holds, what Immuta may still
// be doing, and the next step, never just "context canceled".

// interrupted reports whether the operation's context was cancelled (not
// timed out).
func interrupted(ctx context.Context) bool { return errors.Is(ctx.Err(), context.Canceled) }

// afterInterruptTimeout bounds the one look the provider takes at Immuta
// after an interrupt, so that Terraform can still exit promptly.
const afterInterruptTimeout = 10 * time.Second

// interruptedCreateRequest: the POST was cut off, so nothing is in state. A
// quick look by host tells whether Immuta has an integration there now.
func (r *integrationResource) interruptedCreateRequest(ctx context.Context, t *integrationtype.Type, host, name string) diag.Diagnostics {
	var diags diag.Diagnostics
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), afterInterruptTimeout)
	defer cancel()
	const summary = "Interrupted while creating the integration"
	if found, ok := r.findByHost(lctx, t, host); ok {
		diags.AddError(summary,
			fmt.Sprintf("Terraform was interrupted while sending the request to create %s. Terraform's state holds nothing for this resource. "+
				"Immuta now has %s integration on this host, with id %s, probably made by this request, and may still be setting it up.\n\n"+
				"Next: adopt it instead of creating another (Immuta allows one per host):\n\n  terraform import <resource address> %s\n\n"+
				"then run terraform apply.", name, withArticle(t.DisplayName), found.ID, found.ID))
		return diags
	}
	diags.AddError(summary,
		fmt.Sprintf("Terraform was interrupted while sending the request to create %s. Terraform's state holds nothing for this resource, "+
			"and Immuta had no integration on this host right after the interrupt, so nothing was created.\n\n"+
			"Next: run terraform apply again. (If Immuta creates it after all, that apply stops with \"Integration already exists\" "+
			"and the terraform import command to run.)", name))
	return diags
}

// interruptedWait explains an interrupt while Immuta was working on an
// accepted create, update or delete.
func interruptedWait(name string, op operation) diag.Diagnostics {
	var diags diag.Diagnostics
	var detail string
	switch op {
	case opCreate:
		detail = fmt.Sprintf("Terraform was interrupted while waiting for Immuta to create %s. Immuta carries on in the background. "+
			"Terraform's state holds the integration, tainted, so it is never orphaned.\n\n"+
			"Next: to keep it, wait until Immuta reports it enabled, then run terraform untaint <resource address>; "+
			"otherwise terraform apply replaces it, first waiting for Immuta to finish this create.", name)
	case opUpdate:
		detail = fmt.Sprintf("Terraform was interrupted while waiting for Immuta to apply the change to %s. Immuta carries on in the "+
			"background (or rolls the change back if it fails). Terraform's state keeps the previous values.\n\n"+
			"Next: run terraform plan once Immuta has finished: it shows whatever still differs, and terraform apply sends it.", name)
	default:
		detail = fmt.Sprintf("Terraform was interrupted while waiting for Immuta to delete %s. Immuta carries on in the background. "+
			"Terraform's state still holds the integration.\n\n"+
			"Next: run the same terraform command again: it waits for Immuta to finish, and an integration Immuta reports deleted "+
			"counts as gone.", name)
	}
	diags.AddError("Interrupted while Immuta was working on the integration", detail)
	return diags
}

// interruptedRequest explains an interrupt while an update or delete
// request was on its way. (A create request's is interruptedCreateRequest.)
func interruptedRequest(name string, op operation) diag.Diagnostics {
	var diags diag.Diagnostics
	detail := fmt.Sprintf("Terraform was interrupted while sending the request to delete %s; Immuta may or may not have received it. "+
		"Terraform's state still holds the integration.\n\nNext: run the same terraform command again: an integration Immuta has "+
		"deleted meanwhile counts as gone.", name)
	if op == opUpdate {
		detail = fmt.Sprintf("Terraform was interrupted while sending the change to %s; Immuta may or may not have received it. "+
			"Terraform's state keeps the previous values.\n\nNext: run terraform plan: it shows whatever still differs, and terraform apply sends it.", name)
	}
	diags.AddError("Interrupted while Immuta was working on the integration", detail)
	return diags
}
