package betterauth

import "os"

var getenv = os.Getenv
