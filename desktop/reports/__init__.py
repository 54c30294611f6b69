"""The printed documents (ReportLab, no Qt): the monitoring report and the complaint record."""
