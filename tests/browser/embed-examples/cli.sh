# One JSON report per input (a token, a link, an image, or - for one per line on stdin);
# exit status 0 only when every input is valid.
cachet verify --trust trust.json --root root.key.pub --profile transport --json "$CERTIFICATE"
