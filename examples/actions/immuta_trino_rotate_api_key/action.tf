# Requires Terraform 1.14 or later.
# Rotate the key on demand, outside the resource's plan:
#   terraform apply -invoke=action.immuta_trino_rotate_api_key.starburst
# The old key stops working at once: configure the Starburst cluster with the
# new one (read by the immuta_trino_api_key ephemeral resource) right after.
resource "immuta_integration" "starburst" {
  trino = {
    store_api_key = false
  }
}

action "immuta_trino_rotate_api_key" "starburst" {
  config {
    integration_id = immuta_integration.starburst.id
  }
}
