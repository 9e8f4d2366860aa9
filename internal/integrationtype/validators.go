// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"encoding/json"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Format checks shared by several types. Messages say what a valid value
// looks like, because the framework prefixes them with the attribute path.
var (
	hostValidator = stringvalidator.RegexMatches(
		regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`),
		"must be a host name without scheme, port or path, such as acme.us-east-1.snowflakecomputing.com (remove any https:// prefix)",
	)
	portValidator    = int64validator.Between(1, 65535)
	iamRoleValidator = stringvalidator.RegexMatches(
		regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`),
		"must be an IAM role ARN such as arn:aws:iam::123456789012:role/immuta-s3",
	)
	awsAccountIDValidator = stringvalidator.RegexMatches(regexp.MustCompile(`^\d{12}$`), "must be a 12-digit AWS account ID")
	awsRegionValidator    = stringvalidator.RegexMatches(
		regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$`),
		"must be an AWS region code such as us-east-1",
	)
	s3PathValidator = stringvalidator.RegexMatches(
		regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\s]*)?$`),
		"must be an S3 location such as s3://my-bucket/prefix/",
	)
	datasetSuffixValidator = stringvalidator.RegexMatches(
		regexp.MustCompile(`^_[A-Za-z0-9_]{1,1000}$`),
		`must start with "_" and contain only letters, digits and underscores, such as "_immuta"`,
	)
	httpPathValidator = stringvalidator.RegexMatches(
		regexp.MustCompile(`^/\S*$`),
		"must be the SQL warehouse or cluster HTTP path, starting with /, such as /sql/1.0/warehouses/abc123",
	)
)

// serviceAccountKeyValidator checks that a BigQuery credential is a
// service-account key file: a JSON object. Its message never repeats the
// value, which is a secret.
var serviceAccountKeyValidator validator.String = jsonObjectValidator{}

type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string {
	return `must be the service-account key file, a JSON object such as file("key.json")`
}

func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v jsonObjectValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &obj); err != nil || obj == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid service-account key",
			"Attribute "+req.Path.String()+" "+v.Description(ctx)+"; the value given is not a JSON object (it is not shown, being secret).")
	}
}

func oneOf(values ...string) []validator.String {
	return []validator.String{stringvalidator.OneOf(values...)}
}

func these(v ...validator.String) []validator.String { return v }

var httpsURL = regexp.MustCompile(`^https://\S+$`)
