"""OKR specs as code: loading, validating and linting the YAML files in okrs/ (see docs and README)."""
