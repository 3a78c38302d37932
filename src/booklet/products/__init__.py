"""Products: recipes over the stages, each a template plus a slice of the programme."""
