"""Array API test data (special cases from the standard's text); no tests are collected here."""
