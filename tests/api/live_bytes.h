// The bytes this test program holds through operator new (counted by the
// replacement operators in live_bytes.cc, which every allocation of the
// program's C++ code goes through; aligned new and plain malloc are not
// counted). For tests that a byte budget is kept: the difference across a
// piece of work, taken while no other thread of the test allocates.
//
// Thread safety: any thread.
#pragma once

#include <cstdint>

namespace assure::testing {

std::int64_t LiveBytes();

}  // namespace assure::testing
