# Google BigQuery is always set up manually (auto_bootstrap must be false, the
# default): first create the custom role and the Immuta service account with
# Immuta's setup script, then give Immuta that account's key.

variable "bigquery_service_account_key" {
  description = "JSON key file of the Immuta service account, as a string."
  type        = string
  sensitive   = true
}

resource "immuta_integration" "bigquery" {
  bigquery = {
    role           = "immutaIntegration" # custom role granted to the service account
    dataset_suffix = "_secure"           # Immuta creates <dataset>_secure views
    dataset        = "immuta"
    location       = "US"

    credential = var.bigquery_service_account_key
  }
}
