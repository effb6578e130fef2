// Laplace noise for the sandbox's differentially private answers.
//
// Thread safety: safe to call from many threads.
#pragma once

#include "core/status.h"

namespace citydata::sandbox {

// One draw from the Laplace distribution with mean 0 and scale `scale` (> 0), built
// from 53 uniform bits of OpenSSL's CSPRNG (RAND_bytes), so answers cannot be
// de-noised by predicting the generator. Internal when the CSPRNG fails.
//
// The draw is a double computed with log(): it carries the floating-point artefacts
// Mironov (2012) showed can leak the exact value; see README.md.
Result<double> LaplaceNoise(double scale);

}  // namespace citydata::sandbox
