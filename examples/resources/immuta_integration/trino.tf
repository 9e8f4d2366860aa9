# Starburst (Trino) takes no settings. Immuta answers with an API key that the
# Starburst cluster must be configured with; it is a sensitive, read-only
# attribute of the integration.

resource "immuta_integration" "starburst" {
  trino = {}
}

output "starburst_immuta_api_key" {
  description = "Set this key in the Starburst cluster's Immuta configuration."
  value       = immuta_integration.starburst.trino.api_key
  sensitive   = true
}
