# Shared by ops/run and ops/test. Sourced, not run.
# Installs missing Debian packages (only when something is missing) and
# builds with CMake + Ninja, incrementally.

ASSURE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${ASSURE_JOBS:-$(nproc 2>/dev/null || echo 2)}

# Everything the build and the tests need, by Debian 12 package name.
ASSURE_PACKAGES=(
  g++ cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libboost-url1.81-dev
  librocksdb-dev nlohmann-json3-dev libspdlog-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libhowardhinnant-date-dev
  libzip-dev libxlsxwriter-dev libpugixml-dev zlib1g-dev libjemalloc-dev
  python3 procps systemd
)
# Only for the fuzz targets (ops/fuzz, and ops/test's short fuzz run), not
# for ops/run: clang with libFuzzer.
ASSURE_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

log() { printf '\033[1m[assure]\033[0m %s %s\n' "$(date +%T)" "$*" >&2; }

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing missing packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build DIR BUILD_TYPE [extra cmake args...]; ASSURE_BUILD_TARGETS (e.g.
# "assure") builds only those targets.
build() {
  local dir=$1 type=$2
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$ASSURE_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  fi
  # shellcheck disable=SC2086  # a list of target names
  cmake --build "$dir" -j "$JOBS" ${ASSURE_BUILD_TARGETS:+--target $ASSURE_BUILD_TARGETS}
}
