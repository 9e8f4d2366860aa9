# Amazon Redshift, set up by Immuta itself (auto_bootstrap = true) with the
# cluster's admin user.
#
# The password is a plain sensitive attribute: Terraform stores it in the state
# (protect the state accordingly) and Immuta's teardown on destroy reads it from
# there. Use password_wo instead to keep it out of the state; destroy then
# needs IMMUTA_DELETE_PASSWORD.

variable "redshift_admin_password" {
  description = "Password of the Redshift admin user awsuser."
  type        = string
  sensitive   = true
}

resource "immuta_integration" "redshift" {
  auto_bootstrap = true

  redshift = {
    host             = "analytics.c9xk2lq4w7ab.us-east-1.redshift.amazonaws.com"
    port             = 5439
    initial_database = "dev"    # existing database Immuta connects to first
    database         = "immuta" # new database Immuta creates and manages

    authentication_type = "userPassword"
    username            = "awsuser"
    password            = var.redshift_admin_password

    impersonation = {
      enabled = true
      role    = "immuta_impersonation"
    }
  }
}
