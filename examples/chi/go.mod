module github.com/betterauth-go/betterauth/examples/chi

go 1.26.8

require github.com/betterauth-go/betterauth v0.0.0

require github.com/go-chi/chi/v5 v5.5.0 // indirect

replace github.com/betterauth-go/betterauth => ../..
