// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

func TestWithArticleReadsAsEnglish(t *testing.T) {
	want := map[string]string{
		"Snowflake": "a Snowflake", "Databricks Unity Catalog": "a Databricks Unity Catalog", "Amazon Redshift": "an Amazon Redshift",
		"Azure Synapse Analytics": "an Azure Synapse Analytics", "Google BigQuery": "a Google BigQuery", "Amazon S3": "an Amazon S3",
		"Starburst (Trino)": "a Starburst (Trino)", "redshift": "a redshift", "azure_synapse": "an azure_synapse",
	}
	for _, typ := range integrationtype.All {
		if _, ok := want[typ.DisplayName]; !ok {
			t.Errorf("no expectation for the display name %q", typ.DisplayName)
		}
	}
	for name, w := range want {
		if got := withArticle(name); got != w {
			t.Errorf("withArticle(%q) = %q, want %q", name, got, w)
		}
	}
}
