# Requires Terraform 1.14 or later.
# In a file ending in .tfquery.hcl, next to the configuration that sets up the
# provider. `terraform query` lists the integrations;
# `terraform query -generate-config-out=generated.tf` writes an import block
# and a resource block for each.

# Every integration, with its settings (for -generate-config-out).
list "immuta_integration" "all" {
  provider         = immuta
  include_resource = true
}

# Only the Snowflake integrations whose periodic validation fails.
list "immuta_integration" "failing_snowflake" {
  provider = immuta
  config {
    type   = "snowflake"
    status = "recurringValidationError"
  }
}

# The integration on one host (host names compare in any case).
list "immuta_integration" "acme" {
  provider = immuta
  config {
    host = "acme.us-east-1.snowflakecomputing.com"
  }
}
