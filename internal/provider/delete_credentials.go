// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Immuta does not keep the privileged credentials of an auto-bootstrapped
// integration, yet needs them again to delete it, and Terraform gives Delete
// only the prior state. What the state lacks (write-only secrets; everything,
// for an imported integration) comes from the provider configuration, which
// Terraform evaluates at destroy time too and which may hold ephemeral values
// (never written to state or plan files), keyed by the integration's host so
// that one run can delete several integrations with different credentials;
// then from IMMUTA_DELETE_* variables, one value per run.

// deleteCredentials are the provider's delete_credentials: host → attribute
// path (relative to the type block) → value.
type deleteCredentials map[string]map[string]string

const deleteCredentialsAttr = "delete_credentials"

func deleteCredentialsSchema() schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: "Privileged credentials for deleting auto-bootstrapped integrations, by the integration's `host`. " +
			"Immuta does not keep the credentials an auto-bootstrapped " +
			displayNamesWhere(func(t *integrationtype.Type) bool { return len(t.DeleteCredentials) > 0 }) + " integration was set up with, " +
			"and needs them again to remove it (on destroy, on removal from the configuration and on replacement). " +
			"Whatever the resource's state lacks (a write-only secret, which is never stored; every credential of an imported integration) " +
			"is taken from here, so set it from an ephemeral source (an `ephemeral` variable or resource: Terraform 1.10, OpenTofu 1.11 and later): " +
			"it is then never written to state or plan files. Each value is a map from the attribute's name in the type block " +
			"(`" + strings.Join(integrationtype.AllDeleteCredentialPaths(), "`, `") + "`) to its value, such as " +
			"`{ \"acme.snowflakecomputing.com\" = { password = var.snowflake_setup_password } }`. " +
			"For what is still missing, the provider reads `IMMUTA_DELETE_<ATTRIBUTE>` environment variables (such as `IMMUTA_DELETE_PASSWORD`), " +
			"which apply to every integration of the run. Plans that delete an integration warn when a credential it needs is missing.",
		ElementType: types.MapType{ElemType: types.StringType},
		Optional:    true,
		Sensitive:   true,
	}
}

// parseDeleteCredentials checks and converts delete_credentials; unknown
// values (from an ephemeral source during validation) are judged later.
func parseDeleteCredentials(ctx context.Context, v types.Map) (deleteCredentials, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() {
		return nil, diags
	}
	raw := map[string]types.Map{}
	diags.Append(v.ElementsAs(ctx, &raw, false)...)
	if diags.HasError() {
		return nil, diags
	}
	allowed := integrationtype.AllDeleteCredentialPaths()
	out := deleteCredentials{}
	for host, inner := range raw {
		at := path.Root(deleteCredentialsAttr).AtMapKey(host)
		if strings.TrimSpace(host) == "" {
			diags.AddAttributeError(at, "Empty host in delete_credentials",
				"Each key of delete_credentials is the host of an integration, such as \"acme.snowflakecomputing.com\".")
			continue
		}
		if inner.IsNull() || inner.IsUnknown() {
			continue
		}
		values := map[string]types.String{}
		diags.Append(inner.ElementsAs(ctx, &values, false)...)
		creds := map[string]string{}
		for name, s := range values {
			if !slices.Contains(allowed, name) {
				hint := ""
				if base, ok := strings.CutSuffix(name, "_wo"); ok && slices.Contains(allowed, base) {
					hint = fmt.Sprintf(" Write-only attributes are named without their _wo suffix here: use %s.", base)
				}
				diags.AddAttributeError(at.AtMapKey(name), "Unknown credential in delete_credentials",
					fmt.Sprintf("%q is not a privileged credential of any integration type.%s The names are those of the type block's attributes: %s.",
						name, hint, strings.Join(allowed, ", ")))
				continue
			}
			if !s.IsNull() && !s.IsUnknown() && s.ValueString() != "" {
				creds[name] = s.ValueString()
			}
		}
		out[strings.TrimSpace(host)] = creds
	}
	return out, diags
}

// forHost returns the credentials given for host, comparing hosts as Immuta
// does (a host name in another case is the same host).
func (d deleteCredentials) forHost(t *integrationtype.Type, host string) map[string]string {
	if host == "" {
		return nil
	}
	for k, v := range d {
		if t.NormalizeHostKey(k) == host {
			return v
		}
	}
	return nil
}

// deleteCredentialEnv names the environment variable that supplies a
// privileged credential at delete time, for every integration of the run.
func deleteCredentialEnv(attributePath string) string {
	return "IMMUTA_DELETE_" + strings.ToUpper(strings.ReplaceAll(attributePath, ".", "_"))
}

// missingDeleteCredentials is what DELETE of an auto-bootstrapped
// integration needs and nobody supplied.
type missingDeleteCredentials struct {
	t         *integrationtype.Type
	name      string // the integration, for messages
	host      string
	paths     []string
	imported  bool // non-secret credentials are missing too: state never held them
	writeOnly []string
}

// deleteRequest builds DELETE's body: the privileged credentials of an
// auto-bootstrapped integration (state, then delete_credentials for its
// host, then IMMUTA_DELETE_* variables), and nothing for the others.
func deleteRequest(t *integrationtype.Type, name string, autoBootstrap bool, block types.Object, given deleteCredentials) (*client.DeleteRequest, *missingDeleteCredentials) {
	if !autoBootstrap || len(t.DeleteCredentials) == 0 {
		return nil, nil
	}
	host := t.HostOfBlock(block)
	forHost := given.forHost(t, host)
	creds, missing := t.DeleteCredentialsFrom(block, func(p string) (string, bool) {
		if v, ok := forHost[p]; ok {
			return v, true
		}
		v := os.Getenv(deleteCredentialEnv(p))
		return v, v != ""
	})
	if len(missing) == 0 {
		return &client.DeleteRequest{Config: creds}, nil
	}
	m := &missingDeleteCredentials{t: t, name: name, host: host, paths: missing}
	for _, p := range missing {
		f, ok := t.Field(strings.Split(p, ".")[0])
		if ok && !f.Secret && f.Kind != integrationtype.Object {
			m.imported = true
		}
		if ok && f.Secret && !block.IsNull() {
			if v, ok := block.Attributes()[f.WriteOnlyVersionName()]; ok && !v.IsNull() {
				m.writeOnly = append(m.writeOnly, f.Name)
			}
		}
	}
	return nil, m
}

// why says why the state lacks the credentials.
func (m *missingDeleteCredentials) why() string {
	switch {
	case m.imported:
		return "Its state does not hold the credentials it was set up with: an imported integration's cannot be read from Immuta."
	case len(m.writeOnly) > 0:
		wo := make([]string, len(m.writeOnly))
		for i, n := range m.writeOnly {
			wo[i] = n + "_wo"
		}
		return fmt.Sprintf("Its state does not hold them: %s %s write-only, and write-only values are never stored.",
			strings.Join(wo, ", "), map[bool]string{true: "is", false: "are"}[len(wo) == 1])
	}
	return "Its state does not hold them."
}

// howToSupply names exactly what to set, with an example provider block.
func (m *missingDeleteCredentials) howToSupply() string {
	host := m.host
	if host == "" {
		host = "<host>"
	}
	var lines, envs []string
	for _, p := range m.paths {
		lines = append(lines, fmt.Sprintf("        %q = ...", p))
		envs = append(envs, deleteCredentialEnv(p))
	}
	s := fmt.Sprintf("Supply %s for host %q in the provider's delete_credentials, from an ephemeral source so that it is never stored:\n\n"+
		"  provider \"immuta\" {\n    delete_credentials = {\n      %q = {\n%s\n      }\n    }\n  }\n\n"+
		"or set %s (environment variables apply to every integration of the run).",
		strings.Join(m.paths, ", "), host, host, strings.Join(lines, "\n"), strings.Join(envs, ", "))
	if slices.Contains(m.paths, "authentication_type") {
		s += fmt.Sprintf(" Each authentication type also needs its own credentials: %s.", m.t.DeleteCredentialsHint())
	}
	return s
}

// applyError is the error of a Delete that cannot start.
func (m *missingDeleteCredentials) applyError() diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Privileged credentials needed to delete the integration",
		fmt.Sprintf("%s was set up automatically (auto_bootstrap = true), so Immuta needs its privileged credentials again to remove it, "+
			"and Immuta does not keep them. %s\n\nNothing was deleted: the integration is unchanged in Immuta and stays in Terraform's state. %s\n\n"+
			"Then run the same terraform command again.", m.name, m.why(), m.howToSupply()))
	return diags
}

// planWarning warns at plan time that applying will stop at this delete.
func (m *missingDeleteCredentials) planWarning(what string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Privileged credentials needed to delete the integration",
		fmt.Sprintf("This plan %s %s. It was set up automatically (auto_bootstrap = true), so Immuta needs its privileged credentials again "+
			"to remove it, and Immuta does not keep them. %s\n\nAs planned, the apply would stop at this integration before deleting it, and change nothing of it. %s",
			what, m.name, m.why(), m.howToSupply()))
}
