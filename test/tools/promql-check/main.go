// Parses PromQL expressions with Prometheus' own parser (the one prometheus-operator's admission webhook
// and Prometheus use for rules), so a broken alert expression or dashboard query fails a test rather
// than a rule group load.
//
// Usage: promql-check < expressions.json   (a JSON array of strings); prints a JSON array holding, for
// each expression, null when it parses or the parser's error.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/prometheus/prometheus/promql/parser"
)

func main() {
	var expressions []string
	if err := json.NewDecoder(os.Stdin).Decode(&expressions); err != nil {
		fmt.Fprintln(os.Stderr, "expressions on stdin:", err)
		os.Exit(2)
	}
	p := parser.NewParser(parser.Options{})
	results := make([]*string, len(expressions))
	for i, expression := range expressions {
		if _, err := p.ParseExpr(expression); err != nil {
			message := err.Error()
			results[i] = &message
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(results)
}
