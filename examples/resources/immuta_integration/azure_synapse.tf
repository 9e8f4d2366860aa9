# Azure Synapse Analytics, set up manually (auto_bootstrap = false): a database
# administrator first ran Immuta's setup script, which created the schema and
# the login Immuta uses. Only that login's credentials are given here; they
# are not privileged, and deleting the integration needs none.

variable "synapse_password" {
  description = "Password of the Synapse login immuta_system created by the setup script."
  type        = string
  sensitive   = true
}

resource "immuta_integration" "azure_synapse" {
  auto_bootstrap = false

  azure_synapse = {
    host     = "acme-analytics.sql.azuresynapse.net"
    database = "sales_pool" # existing dedicated SQL pool
    schema   = "immuta"

    username = "immuta_system"
    password = var.synapse_password

    # These can never change once the integration exists: changing one
    # replaces the integration. Shown with their defaults.
    metadata_delimiters = {
      hash_delimiter     = "|"
      hash_key_delimiter = ":"
      array_delimiter    = ","
    }
  }
}
