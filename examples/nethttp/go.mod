module github.com/betterauth-go/betterauth/examples/nethttp

go 1.26.8

require github.com/betterauth-go/betterauth v0.0.0

replace github.com/betterauth-go/betterauth => ../..
