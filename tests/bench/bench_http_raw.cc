#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/codec.h"
#include "tests/bench/bench_http_phases.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/http_harness.h"

namespace assure::bench::http_load {

namespace {

std::string Payload(int thread, std::uint64_t i) {
  std::string s = R"({"deliverable":"Workforce-0)" + std::to_string(thread % 10) +
                  R"(","from":"Blue","to":"Amber","i":)" + std::to_string(i) + R"(,"note":")";
  s.append(400 - s.size() - 2, 'x');
  s += "\"}";
  return s;
}

}  // namespace

double RawSyncWrites(const std::string& d, int c, double seconds) {
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  std::vector<rocksdb::ColumnFamilyDescriptor> desc = {
      {rocksdb::kDefaultColumnFamilyName, {}}, {"events", {}}, {"stream_index", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  rocksdb::DB* db = nullptr;
  auto s = rocksdb::DB::Open(o, d, desc, &cfs, &db);
  if (!s.ok()) Die("raw open: " + s.ToString());
  std::atomic<std::uint64_t> pos{0};
  rocksdb::WriteOptions wo;
  wo.sync = true;
  double r = Drive(c, seconds, [&](int t, std::uint64_t i) {
    std::uint64_t p = ++pos;
    std::string value = Payload(t, i);
    value.append(200, 'm');
    rocksdb::WriteBatch wb;
    wb.Put(cfs[1], storage::U64Key(p), value);
    wb.Put(cfs[2], "deliverable-" + std::to_string(t) + '\0' + storage::U64Key(i), storage::U64Key(p));
    if (!db->Write(wo, &wb).ok()) Die("raw write failed");
  });
  for (auto* h : cfs) db->DestroyColumnFamilyHandle(h);
  db->Close();
  delete db;
  std::filesystem::remove_all(d);
  return r;
}

}  // namespace assure::bench::http_load
