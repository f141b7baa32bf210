package jwt

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

// The jwt plugin encrypts the jwks privateKey column with Better Auth's
// symmetricEncrypt; betterauth.SymmetricEncrypt/SymmetricDecrypt are that
// primitive (one copy for OAuth tokens, two-factor secrets and keys).

// secretRing is Better Auth's secretConfig for the privateKey column: one
// unversioned secret, or versioned secrets (current first) with an
// optional legacy secret for bare-hex payloads, in the list form
// betterauth.SymmetricDecrypt reads.
type secretRing struct{ secrets []ba.Secret }

// newSecretRing builds the ring from secrets, current first. A single
// secret without a version is Better Auth's string secretConfig; legacy
// (BETTER_AUTH_SECRET next to BETTER_AUTH_SECRETS) decrypts bare hex.
func newSecretRing(secrets []ba.Secret, legacy string) (*secretRing, error) {
	if len(secrets) == 0 {
		return nil, errors.New("no secret")
	}
	if len(secrets) == 1 && secrets[0].Version == "" {
		return &secretRing{secrets: secrets[:1:1]}, nil
	}
	list := make([]ba.Secret, 0, len(secrets)+1)
	for _, s := range secrets {
		v, err := strconv.Atoi(strings.TrimSpace(s.Version))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("secret version %q is not a non-negative integer", s.Version)
		}
		list = append(list, s)
	}
	if legacy != "" && legacy != ba.DefaultSecret {
		list = append(list, ba.Secret{Value: legacy})
	}
	return &secretRing{secrets: list}, nil
}

func (r *secretRing) encrypt(plain string) (string, error) {
	return ba.SymmetricEncrypt(r.secrets, plain)
}

func (r *secretRing) decrypt(data string) (string, error) {
	return ba.SymmetricDecrypt(r.secrets, data)
}
