// Opens an Assure store's RocksDB directly, for tests that tamper with it.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

#include <memory>
#include <string>
#include <vector>

namespace assure::storage::testing {

class RawRocks {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  // kReadOnly: RocksDB's read-only open, which starts no flush or
  // compaction (a read-write open with default options may compact the
  // tables a test is counting).
  explicit RawRocks(const std::string& dir, Mode mode = Mode::kReadWrite) {
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> d;
    for (auto& n : names) d.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    auto s = mode == Mode::kReadOnly ? rocksdb::DB::OpenForReadOnly({}, dir, d, &handles_, &raw)
                                     : rocksdb::DB::Open({}, dir, d, &handles_, &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(raw);
    names_ = names;
  }
  ~RawRocks() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
  rocksdb::DB* db() { return db_.get(); }
  // The properties of every table of a column family.
  rocksdb::TablePropertiesCollection Tables(const std::string& name) {
    rocksdb::TablePropertiesCollection props;
    EXPECT_TRUE(db_->GetPropertiesOfAllTables(cf(name), &props).ok()) << name;
    return props;
  }
  rocksdb::ColumnFamilyHandle* cf(const std::string& name) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return handles_[i];
    }
    ADD_FAILURE() << "no column family " << name;
    return nullptr;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::vector<std::string> names_;
};

}  // namespace assure::storage::testing
