//go:build !race

package betterauth_test

const raceEnabled = false
