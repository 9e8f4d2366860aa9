# Import an existing integration by its Immuta ID, here 7.
# The ID is listed by GET /integrations, or shown in Immuta's UI.
terraform import immuta_integration.example 7
