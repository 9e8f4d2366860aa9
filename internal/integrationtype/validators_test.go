// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestServiceAccountKeyValidator(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{`{"type":"service_account","private_key":"k"}`, true},
		{` {} `, true},
		{`not-json-secret-value`, false},
		{`["a"]`, false},
		{`"a string"`, false},
		{`null`, false},
		{`{"type":`, false},
	} {
		req := validator.StringRequest{Path: path.Root("bigquery").AtName("credential"), ConfigValue: types.StringValue(tc.value)}
		var resp validator.StringResponse
		serviceAccountKeyValidator.ValidateString(context.Background(), req, &resp)
		if ok := !resp.Diagnostics.HasError(); ok != tc.ok {
			t.Errorf("%q: valid = %t, want %t (%v)", tc.value, ok, tc.ok, resp.Diagnostics)
		}
		for _, d := range resp.Diagnostics {
			if strings.Contains(d.Summary()+d.Detail(), tc.value) {
				t.Errorf("the message repeats the secret value %q: %s", tc.value, d.Detail())
			}
		}
	}
}

// The write-only alternative of a secret is checked like the secret.
func TestWriteOnlySecretHasTheSecretsValidators(t *testing.T) {
	attrs := BigQuery.ResourceBlock().Attributes
	main, wo := attrs["credential"], attrs["credential_wo"]
	count := func(a any) int {
		v, ok := a.(interface{ StringValidators() []validator.String })
		if !ok {
			t.Fatalf("%T has no string validators", a)
		}
		n := 0
		for _, x := range v.StringValidators() {
			if _, ok := x.(jsonObjectValidator); ok {
				n++
			}
		}
		return n
	}
	if count(main) != 1 || count(wo) != 1 {
		t.Fatalf("credential has %d key validators, credential_wo %d; want 1 each", count(main), count(wo))
	}
}
