# Requires Terraform 1.14 or later.
# adopt.tfquery.hcl: every integration of the tenant, with its settings.
list "immuta_integration" "tenant" {
  provider         = immuta
  include_resource = true
  limit            = 500 # Terraform lists at most 100 results unless told more
}
