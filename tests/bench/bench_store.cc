// assure-bench-store: the event store against raw RocksDB, in one run, on the
// same disk.
//
// 1. Durable appends/s of one ~400-byte event at 1, 8, 32 and 64 concurrent
//    appenders, beside the baseline: raw RocksDB Write(sync=true) of an
//    equivalent batch (event key + index key) at the same concurrency.
// 2. Read-all throughput over N events (default 1,000,000) beside a raw
//    RocksDB iterator over the same column family (copying each value).
// Rounds alternate ours/baseline; the table shows medians and their ratio.
#include <CLI/CLI.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "storage/codec.h"
#include "tests/bench/proof_latency.h"
#include "storage/event_store.h"
#include "storage/rocks_backend.h"
#include "tests/bench/bench_util.h"

using namespace assure::storage;
using Wall = std::chrono::steady_clock;

namespace {

std::string Payload(int thread, std::uint64_t i) {
  // ~400 bytes of JSON, like a deliverable change with a reason.
  std::string s = R"({"deliverable":"Workforce-0)" + std::to_string(thread % 10) +
                  R"(","from":"Blue","to":"Amber","i":)" + std::to_string(i) +
                  R"(,"note":")";
  s.append(400 - s.size() - 2, 'x');
  s += "\"}";
  return s;
}

using assure::bench::Median;

using assure::bench::Drive;

struct RawDb {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  ~RawDb() {
    for (auto* h : cfs) db->DestroyColumnFamilyHandle(h);
    if (db) db->Close();
  }
};

// A plain RocksDB with two column families, like the store's events+index.
std::unique_ptr<RawDb> OpenRaw(const std::string& dir, bool create) {
  rocksdb::DBOptions o;
  o.create_if_missing = create;
  o.create_missing_column_families = create;
  o.max_background_jobs = 2;
  std::vector<rocksdb::ColumnFamilyDescriptor> d = {
      {rocksdb::kDefaultColumnFamilyName, {}}, {"events", {}}, {"stream_index", {}}};
  auto raw = std::make_unique<RawDb>();
  rocksdb::DB* db = nullptr;
  auto s = rocksdb::DB::Open(o, dir, d, &raw->cfs, &db);
  if (!s.ok()) {
    std::fprintf(stderr, "raw open: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  raw->db.reset(db);
  return raw;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"assure-bench-store: event store vs raw RocksDB (see README)"};
  std::string dir = "./bench-data";
  double seconds = 3;
  int rounds = 3;
  std::uint64_t read_events = 1'000'000;
  std::vector<int> concurrency = {1, 8, 32, 64};
  app.add_option("--dir", dir, "Scratch directory (same disk as the data)")->capture_default_str();
  app.add_option("--seconds", seconds, "Seconds per append measurement")->capture_default_str();
  app.add_option("--rounds", rounds, "Rounds (medians are reported)")->capture_default_str();
  app.add_option("--read-events", read_events, "Events for the read-all test")->capture_default_str();
  app.add_option("--concurrency", concurrency, "Appender counts")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;
  fs::remove_all(dir);
  fs::create_directories(dir);

  std::printf("Durable appends (1 event of ~400 B JSON, WAL synced), %d rounds x %.1f s, medians\n",
              rounds, seconds);
  std::printf("%-11s %14s %16s %8s\n", "appenders", "ours (ev/s)", "raw sync (w/s)", "ratio");
  for (int c : concurrency) {
    std::vector<double> ours, base;
    for (int r = 0; r < rounds; ++r) {
      {
        std::string d = dir + "/ours-" + std::to_string(c) + "-" + std::to_string(r);
        auto store = OpenRocksStore(d);
        if (!store.ok()) {
          std::fprintf(stderr, "%s\n", store.error().message.c_str());
          return 1;
        }
        ours.push_back(Drive(c, seconds, [&](int t, std::uint64_t i) {
          ProposedEvent e;
          e.type = "DeliverableRagbChanged";
          e.data = Payload(t, i);
          e.metadata.actor = "bench";
          std::vector<ProposedEvent> v;
          v.push_back(std::move(e));
          auto res = (*store)->Append("deliverable-" + std::to_string(t), ExpectedVersion::Any(),
                                      std::move(v));
          if (!res.ok()) {
            std::fprintf(stderr, "append: %s\n", res.error().message.c_str());
            std::exit(1);
          }
        }));
        fs::remove_all(d);
      }
      {
        std::string d = dir + "/raw-" + std::to_string(c) + "-" + std::to_string(r);
        auto raw = OpenRaw(d, true);
        std::atomic<std::uint64_t> pos{0};
        rocksdb::WriteOptions wo;
        wo.sync = true;
        base.push_back(Drive(c, seconds, [&](int t, std::uint64_t i) {
          std::uint64_t p = ++pos;
          std::string value = Payload(t, i);
          value.append(200, 'm');  // metadata, ids and hash the store adds
          rocksdb::WriteBatch wb;
          wb.Put(raw->cfs[1], U64Key(p), value);
          wb.Put(raw->cfs[2], "deliverable-" + std::to_string(t) + '\0' + U64Key(i), U64Key(p));
          auto s = raw->db->Write(wo, &wb);
          if (!s.ok()) std::exit(1);
        }));
        raw.reset();
        fs::remove_all(d);
      }
    }
    double o = Median(ours), b = Median(base);
    std::printf("%-11d %14.0f %16.0f %8.2f\n", c, o, b, o / b);
    std::fflush(stdout);
  }

  // Read-all.
  const std::string rd = dir + "/read";
  {
    StoreOptions fill;
    fill.sync = false;  // filling is not what is measured
    auto store = OpenRocksStore(rd, fill);
    if (!store.ok()) return 1;
    auto start = Wall::now();
    const std::uint64_t batch = 100;
    for (std::uint64_t i = 0; i < read_events; i += batch) {
      std::vector<ProposedEvent> v;
      for (std::uint64_t k = 0; k < batch && i + k < read_events; ++k) {
        ProposedEvent e;
        e.type = "DeliverableRagbChanged";
        e.data = Payload(static_cast<int>(k), i + k);
        e.metadata.actor = "bench";
        v.push_back(std::move(e));
      }
      auto r = (*store)->Append("deliverable-" + std::to_string((i / batch) % 100),
                                ExpectedVersion::Any(), std::move(v));
      if (!r.ok()) return 1;
    }
    std::printf("\nfilled %llu events in %.1f s\n", static_cast<unsigned long long>(read_events),
                std::chrono::duration<double>(Wall::now() - start).count());
  }
  std::vector<double> ours, base;
  for (int r = 0; r < rounds; ++r) {
    {
      auto store = OpenRocksStore(rd);
      std::uint64_t n = 0, bytes = 0;
      auto start = Wall::now();
      for (std::uint64_t from = 1;;) {
        auto page = (*store)->ReadAll(from, 1000);
        if (!page.ok()) return 1;
        for (auto& e : page->events) bytes += e.data.size();
        n += page->events.size();
        from = page->next_position;
        if (page->end_of_log) break;
      }
      double s = std::chrono::duration<double>(Wall::now() - start).count();
      if (n != read_events) std::fprintf(stderr, "read %llu events!\n", (unsigned long long)n);
      ours.push_back(static_cast<double>(n) / s);
      (void)bytes;
    }
    {
      std::vector<std::string> names;
      rocksdb::DB::ListColumnFamilies({}, rd, &names);
      std::vector<rocksdb::ColumnFamilyDescriptor> d;
      for (auto& nm : names) d.emplace_back(nm, rocksdb::ColumnFamilyOptions());
      std::vector<rocksdb::ColumnFamilyHandle*> handles;
      rocksdb::DB* db = nullptr;
      if (!rocksdb::DB::Open({}, rd, d, &handles, &db).ok()) return 1;
      std::size_t ev = std::find(names.begin(), names.end(), std::string(kCfEvents)) - names.begin();
      std::uint64_t n = 0, bytes = 0;
      auto start = Wall::now();
      rocksdb::ReadOptions ro;
      ro.readahead_size = 2 << 20;
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, handles[ev]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        std::string value = it->value().ToString();  // a reader has to keep the bytes
        bytes += value.size();
        ++n;
      }
      double s = std::chrono::duration<double>(Wall::now() - start).count();
      it.reset();
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
      delete db;
      base.push_back(static_cast<double>(n) / s);
      (void)bytes;
    }
  }
  double o = Median(ours), b = Median(base);
  std::printf("Read-all of %llu events, %d rounds, medians\n",
              static_cast<unsigned long long>(read_events), rounds);
  std::printf("%-11s %14s %16s %8s\n", "", "ours (ev/s)", "raw iter (ev/s)", "ratio");
  std::printf("%-11s %14.0f %16.0f %8.2f\n", "read-all", o, b, o / b);

  // Merkle proofs on the same store: inclusion of a random event in a random
  // tree size, and consistency between two random sizes.
  {
    auto store = OpenRocksStore(rd);
    if (!store.ok()) return 1;
    std::printf("\n");
    if (!assure::bench::PrintProofLatency(**store)) return 1;
  }
  fs::remove_all(dir);
  return 0;
}
