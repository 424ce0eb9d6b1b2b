// Package jsonvalue reads JSON text into the generic values gojq computes
// with and writes values back in canonical form: the text Terraform's
// jsonencode produces, so that equal values have equal bytes.
package jsonvalue
