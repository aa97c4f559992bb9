#include "tests/importer/import_fixture.h"
