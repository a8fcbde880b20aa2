"""Count and results: verification, count entry, adjudication, declarations, spending returns."""
