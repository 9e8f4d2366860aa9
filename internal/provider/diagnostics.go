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

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// validationDiagnostics turns Immuta's validation results into one
// diagnostic per failed or warning test, on the attribute the test concerns
// where it is known. degraded reports failures as warnings: the integration
// is installed and works, but periodic re-validation failed.
func validationDiagnostics(t *integrationtype.Type, name string, res *client.ValidationResults, degraded bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if res == nil {
		return diags
	}
	shown, hiddenFailed, hiddenWarnings := 0, 0, 0
	for _, test := range res.Tests {
		reported := test.Status == client.TestFailed || test.Status == client.TestWarning
		if !reported {
			continue
		}
		if shown == maxShownTests {
			// Immuta may report thousands of tests: Terraform prints each
			// diagnostic, and the framework compares each new one with all
			// before it. The rest are counted, and kept in validation_results.
			if test.Status == client.TestFailed {
				hiddenFailed++
			} else {
				hiddenWarnings++
			}
			continue
		}
		shown++
		detail := test.Message
		if detail == "" {
			detail = "Immuta reported this test as " + test.Status + " without a message."
		}
		detail += "\n\n" + name + "."
		p := testAttribute(t, test.Name)
		switch {
		case test.Status == client.TestFailed && !degraded:
			diags = append(diags, diag.NewAttributeErrorDiagnostic(p, test.Name, detail))
		case test.Status == client.TestFailed && degraded:
			diags = append(diags, diag.NewAttributeWarningDiagnostic(p, "Immuta's periodic re-validation failed: "+test.Name,
				detail+" Immuta re-validates installed integrations periodically; this test failed since the last change "+
					"(status recurringValidationError). The integration stays installed, and Terraform keeps it unchanged: fix the cause on the "+
					"platform, or apply a corrected configuration."))
		case test.Status == client.TestFailed || test.Status == client.TestWarning:
			diags = append(diags, diag.NewAttributeWarningDiagnostic(p, test.Name, detail))
		}
	}
	if hiddenFailed+hiddenWarnings > 0 {
		summary := fmt.Sprintf("%d more validation tests not shown", hiddenFailed+hiddenWarnings)
		detail := fmt.Sprintf("%s: Immuta reported %d more failed and %d more warning tests than the first %d shown above. "+
			"The first %d of them are in the resource's validation_results attribute (terraform state show) when it is in state, "+
			"and all of them in the client's TRACE log (TF_LOG_PROVIDER_IMMUTA_CLIENT=TRACE).", name, hiddenFailed, hiddenWarnings, maxShownTests, maxStoredTests)
		if hiddenFailed > 0 && !degraded {
			diags.AddError(summary, detail)
		} else {
			diags.AddWarning(summary, detail)
		}
	}
	return diags
}

// maxShownTests is how many failed or warning tests become diagnostics of
// their own.
const maxShownTests = 20

// testAttribute maps a validation test to the attribute it concerns, or to
// the type block when that cannot be known.
func testAttribute(t *integrationtype.Type, testName string) path.Path {
	lower := strings.ToLower(testName)
	for _, m := range t.Tests {
		if strings.Contains(lower, strings.ToLower(m.Substring)) {
			return attributePath(t.Block, m.Attribute)
		}
	}
	return path.Root(t.Block)
}

// failedTests reports whether any test failed, i.e. whether the per-test
// diagnostics already explain an error.
func failedTests(res *client.ValidationResults) bool {
	if res == nil {
		return false
	}
	for _, test := range res.Tests {
		if test.Status == client.TestFailed {
			return true
		}
	}
	return false
}

// apiErrorDiagnostics covers what every call can answer: validation
// failures (422), authentication, and anything else, with Immuta's message.
func apiErrorDiagnostics(t *integrationtype.Type, name string, op operation, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	var apiErr *client.APIError
	var readLimit *client.ReadLimitError
	switch {
	case client.IsValidationFailed(err) && errors.As(err, &apiErr):
		diags.Append(validationDiagnostics(t, name, apiErr.ValidationResults, false)...)
		if !failedTests(apiErr.ValidationResults) {
			diags.AddError(fmt.Sprintf("Cannot %s integration", op), fmt.Sprintf("%s: Immuta answered: %s", name, apiErr.Message))
		} else {
			diags.AddError(fmt.Sprintf("Cannot %s integration: validation failed", op),
				fmt.Sprintf("%s: %s Fix the failed tests reported above, then apply again.", name, apiErr.Message))
		}
	case client.IsForeignNotFound(err) && errors.As(err, &apiErr):
		diags.AddError(fmt.Sprintf("Cannot %s integration: the answer did not come from Immuta's API", op),
			fmt.Sprintf("%s: %s %s answered 404, but not with Immuta's answer for a missing integration (%q). The request probably did not "+
				"reach Immuta's Integrations API: check the provider's url (or %s), which must be the tenant's root URL without a path, "+
				"such as https://acme.hosted.immutacloud.com, and any proxy in between. Nothing was removed from state, and nothing was changed in Immuta.",
				name, apiErr.Method, apiErr.URL, apiErr.Message, envURL))
	case client.IsUnauthorized(err) || client.IsForbidden(err):
		summary, detail := authProblem(err, "to "+op.String()+" "+name)
		diags.AddError(summary, detail)
	case client.IsConnectionError(err):
		diags.AddError(fmt.Sprintf("Cannot %s integration: Immuta could not be reached", op),
			fmt.Sprintf("%s: %s.\n\n%s Check the provider's url (or %s): its scheme, host name and port, and that this machine can reach it "+
				"(VPN, proxy, firewall); then run the command again.", name, err, unchangedAfter(op), envURL))
	case client.IsCertificateError(err):
		diags.AddError(fmt.Sprintf("Cannot %s integration: the Immuta server's certificate is not trusted", op),
			fmt.Sprintf("%s: %s.\n\nNothing was sent. If the tenant uses a private certificate authority, set the provider's "+
				"ca_certificate (or %s) to its PEM certificate. insecure = true skips verification, but then anyone on the "+
				"network path can impersonate Immuta and read the API key.", name, err, envCACertificate))
	case errors.As(err, &readLimit) || (op == opRead && errors.Is(err, context.DeadlineExceeded)):
		diags.AddError(fmt.Sprintf("Timed out trying to %s integration", op),
			fmt.Sprintf("%s: %s.\n\nImmuta, or something on the way, did not answer completely in time. Nothing was changed in Immuta "+
				"and the state is unchanged. A read is limited to the provider's request_timeout × (max_retries + 1): check that Immuta "+
				"is reachable at the provider's url, and raise request_timeout (or %s) if it is just slow.", name, err, envRequestTimeout))
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddError(fmt.Sprintf("Timed out trying to %s integration", op),
			fmt.Sprintf("%s: %s. Raise the resource's timeouts.%s if Immuta needs longer.", name, err, op))
	default:
		diags.AddError(fmt.Sprintf("Cannot %s integration", op), fmt.Sprintf("%s: %s", name, err))
	}
	return diags
}

// unchangedAfter says what a failed call left behind.
func unchangedAfter(op operation) string {
	if op == opRead {
		return "Nothing was changed in Immuta, and the state is unchanged."
	}
	return "No answer came back, and the state is unchanged. If the request reached Immuta before the connection failed, " +
		"Immuta may have acted on it: the next plan shows what Immuta holds."
}

// authProblem explains a 401 or 403, the same way for every call (during
// says which): the key is wrong, or its user lacks APPLICATION_ADMIN.
func authProblem(err error, during string) (summary, detail string) {
	if client.IsForbidden(err) {
		return "The API key may not manage integrations",
			fmt.Sprintf("Immuta answered 403 %s: the API key (api_key or %s) is valid, but its user lacks the APPLICATION_ADMIN "+
				"permission, which the Integrations API requires. Nothing was changed in Immuta. Use a key of a user with APPLICATION_ADMIN.",
				during, envAPIKey)
	}
	return "Immuta rejected the API key",
		fmt.Sprintf("Immuta answered 401 %s: the API key (api_key or %s) is wrong, expired or revoked. Nothing was changed in Immuta. "+
			"Generate a new API key in Immuta (user profile, API Keys) and set it.", during, envAPIKey)
}

func createErrorDiagnostics(t *integrationtype.Type, name string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	if id, ok := client.AlreadyExistsID(err); ok {
		diags.AddError("Integration already exists",
			fmt.Sprintf("Immuta already has %s integration on this host, with ID %s; it allows only one per host.\n\n"+
				"To manage the existing integration with Terraform, import it:\n\n"+
				"  terraform import <resource address> %s\n\n"+
				"or add an import block and apply:\n\n"+
				"  import {\n    to = <resource address>\n    id = \"%s\"\n  }\n\n"+
				"Otherwise change the host, or delete the existing integration first.", withArticle(t.DisplayName), id, id, id))
		return diags
	}
	if id, ok := client.PreviouslyFailedID(err); ok {
		diags.AddError("Integration previously failed to create",
			fmt.Sprintf("Immuta has %s integration on this host that failed to create (ID %s). Immuta repairs it with an update, not a new create.\n\n"+
				"Adopt it with `terraform import <resource address> %s` (or an import block with id = \"%s\"), "+
				"then apply this configuration: Terraform sends it as an update, which lets Immuta retry the set-up. "+
				"Check its validation results (GET /integrations/%s/status) to see what failed the first time.", withArticle(t.DisplayName), id, id, id, id))
		return diags
	}
	return apiErrorDiagnostics(t, name, opCreate, err)
}

func updateErrorDiagnostics(t *integrationtype.Type, name string, err error) diag.Diagnostics {
	if attrs, ok := client.NonEditableAttributes(err); ok {
		var diags diag.Diagnostics
		for _, a := range attrs {
			p := path.Root(t.Block)
			if f, ok := fieldByJSON(t, a); ok {
				p = p.AtName(f)
			}
			diags.AddAttributeError(p, "Attribute cannot be changed in place",
				fmt.Sprintf("%s: Immuta cannot edit %s after creation. The configuration must replace the integration; "+
					"if the plan did not say so, the value in Immuta differs from the state: run terraform apply -refresh-only, then plan again.", name, a))
		}
		return diags
	}
	return apiErrorDiagnostics(t, name, opUpdate, err)
}

func fieldByJSON(t *integrationtype.Type, jsonName string) (string, bool) {
	jsonName = strings.TrimSpace(jsonName)
	for _, f := range t.Fields {
		if f.JSON == jsonName {
			return f.Name, true
		}
	}
	return "", false
}

// waitDiagnostics explains how an asynchronous operation ended badly.
func waitDiagnostics(t *integrationtype.Type, name string, op operation, err error, timeout time.Duration) diag.Diagnostics {
	var diags diag.Diagnostics
	var failed *client.OperationFailedError
	var timedOut *client.WaitTimeoutError
	switch {
	case errors.As(err, &failed):
		diags.Append(validationDiagnostics(t, name, failed.ValidationResults, false)...)
		what := failedBecause(op)
		switch failed.Status {
		case client.StatusDisabled:
			what = "Immuta force-disabled the integration: it is not in use, and Immuta did not clean up the platform. " +
				"The state records status disabled. Check the integration in Immuta; to set it up again, replace it with " +
				"terraform apply -replace=<resource address>."
			if op == opCreate {
				what += " The resource is tainted, so the next apply replaces it."
			}
		case client.StatusDeleted:
			what = "Immuta reports the integration as deleted: it no longer exists. The next plan removes it from state and creates it again."
		}
		diags.AddError(fmt.Sprintf("Integration %s failed (%s)", op, failed.Status),
			fmt.Sprintf("%s ended in status %s. %s", name, failed.Status, what))
	case errors.As(err, &timedOut):
		next := "Immuta may still finish the work: run terraform apply again to pick it up."
		if op == opCreate {
			next = "The integration is in state, tainted, so the next apply replaces it; if Immuta finishes the work meanwhile, " +
				"`terraform untaint` the resource to keep it instead."
		}
		last := "was still " + timedOut.LastStatus
		if timedOut.LastStatus == "" {
			last = "had not reported a status"
		}
		if timedOut.LastError != nil {
			last += fmt.Sprintf(" (its status could not be read at the end: %v)", timedOut.LastError)
		}
		diags.AddError(fmt.Sprintf("Timed out waiting for integration %s", op),
			fmt.Sprintf("%s %s after %s. Raise timeouts.%s if Immuta needs longer. %s",
				name, last, timeout, op, next))
	default:
		diags.Append(apiErrorDiagnostics(t, name, op, err)...)
	}
	return diags
}

// failedBecause says what an operation Immuta reports failed left behind.
func failedBecause(op operation) string {
	switch op {
	case opCreate:
		return "Immuta could not create the integration. It stays in Terraform's state (tainted) so that the next apply replaces it " +
			"instead of leaving it orphaned in Immuta."
	case opUpdate:
		return "Immuta rolled the integration back to its previous configuration; the state keeps the previous values."
	}
	return "Immuta could not remove the integration; it is still installed."
}

// readErrorDiagnostics turns an API error of a data source into a diagnostic.
func readErrorDiagnostics(summary, name string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case client.IsUnauthorized(err) || client.IsForbidden(err):
		diags.AddError(authProblem(err, "("+name+")"))
	default:
		diags.AddError(summary, fmt.Sprintf("%s: %s", name, err))
	}
	return diags
}
