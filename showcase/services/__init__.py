"""What changes data. Views, the admin, the API, the CLI and the importer all call these."""
