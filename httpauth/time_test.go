package httpauth_test

import "time"

var timeNow = time.Now
