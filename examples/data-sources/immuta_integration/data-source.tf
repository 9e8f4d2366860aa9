terraform {
  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}

# Look an integration up by its type and what identifies it on its platform
# (the host argument below says which field that is for each type).
data "immuta_integration" "analytics" {
  type = "snowflake"
  host = "acme-analytics.snowflakecomputing.com"
}

data "immuta_integration" "bigquery" {
  type = "bigquery"
  host = "immuta/US"
}

# Immuta allows one Starburst (Trino) integration: the type is enough.
data "immuta_integration" "starburst" {
  type = "trino"
}

# Or look it up by its Immuta ID.
variable "integration_id" {
  description = "Immuta ID of an integration, such as \"7\"."
  type        = string
}

data "immuta_integration" "by_id" {
  id = var.integration_id
}

output "analytics_warehouse" {
  value = data.immuta_integration.analytics.snowflake.warehouse
}

output "by_id" {
  value = "${data.immuta_integration.by_id.type} integration on ${coalesce(data.immuta_integration.by_id.host, "-")}: ${data.immuta_integration.by_id.status}"
}

# Secrets (passwords, keys, tokens) are never shown: Immuta does not return
# them. The Starburst API key is the exception, and is sensitive.
output "starburst_api_key" {
  value     = data.immuta_integration.starburst.trino.api_key
  sensitive = true
}
