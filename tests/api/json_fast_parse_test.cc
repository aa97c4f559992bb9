// FastParseJson against nlohmann::json::parse: random documents (compact and
// indented), and random edits of them. Whenever the fast path accepts a text,
// nlohmann must accept it too and give the same value with the same types;
// documents of the plain subset must take the fast path.
#include "api/core/json_fast_parse.h"
#include "tests/api/json_same_tree.h"
#include "domain/json_text.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace assure::api {
namespace {

using nlohmann::json;

using assure::testing::SameTree;

class Generator {
 public:
  explicit Generator(std::uint64_t seed, bool plain) : rng_(seed), plain_(plain) {}

  json Value(int depth) {
    switch (rng_() % (depth > 4 ? 6 : 8)) {
      case 0: return nullptr;
      case 1: return rng_() % 2 == 0;
      case 2: return static_cast<std::uint64_t>(rng_() >> (rng_() % 64));
      case 3: return -static_cast<std::int64_t>(rng_() >> (1 + rng_() % 63));
      case 4: return plain_ ? json(Text()) : json(static_cast<double>(rng_() % 100000) / 7.0);
      case 5: return Text();
      case 6: {
        json o = json::object();
        for (std::uint64_t n = rng_() % 5; n > 0; --n) o[Text()] = Value(depth + 1);
        return o;
      }
      default: {
        json a = json::array();
        for (std::uint64_t n = rng_() % 5; n > 0; --n) a.push_back(Value(depth + 1));
        return a;
      }
    }
  }

  std::string Text() {
    static const std::string kPlain = "abcdefghijklmnopqrstuvwxyz ABC-_.:/0123456789{}[],";
    std::string s;
    for (std::uint64_t n = rng_() % 12; n > 0; --n) {
      if (!plain_ && rng_() % 8 == 0) {
        static const char* const kOdd[] = {"\"", "\\", "\n", "\t", "\x01", "\xc3\xa9", "\xe2\x82\xac"};
        s += kOdd[rng_() % 7];
      } else {
        s.push_back(kPlain[rng_() % kPlain.size()]);
      }
    }
    return s;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
  bool plain_;
};

void Compare(const std::string& text) {
  json fast;
  const bool took = FastParseJson(text, fast);
  const json slow = json::parse(text, nullptr, false);
  if (took) {
    ASSERT_FALSE(slow.is_discarded()) << "the fast path accepted what nlohmann refuses: " << text;
    ASSERT_TRUE(SameTree(fast, slow)) << text << "\nfast: " << fast.dump() << "\nslow: " << slow.dump();
  }
}

TEST(JsonFastParseTest, PlainDocumentsTakeTheFastPathAndMatch) {
  Generator g(42, true);
  for (int i = 0; i < 3000; ++i) {
    const json doc = g.Value(0);
    for (const std::string& text : {doc.dump(), doc.dump(1), doc.dump(4)}) {
      json fast;
      ASSERT_TRUE(FastParseJson(text, fast)) << text;
      ASSERT_TRUE(SameTree(fast, json::parse(text))) << text;
    }
  }
}

TEST(JsonFastParseTest, AnyDocumentMatchesOrIsLeftToNlohmann) {
  Generator g(7, false);
  for (int i = 0; i < 3000; ++i) Compare(g.Value(0).dump());
}

TEST(JsonFastParseTest, EditedDocumentsAreNeverAcceptedWrongly) {
  Generator g(99, true);
  auto& rng = g.rng();
  static const std::string kBytes = "{}[]\",:0123456789-+.eE tfnrul\\ax\n";
  for (int i = 0; i < 20000; ++i) {
    std::string text = g.Value(0).dump();
    for (std::uint64_t edits = 1 + rng() % 3; edits > 0; --edits) {
      const std::size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
      const char c = kBytes[rng() % kBytes.size()];
      switch (rng() % 3) {
        case 0: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 1: if (at < text.size()) text.erase(at, 1); break;
        default: if (at < text.size()) text[at] = c; break;
      }
    }
    Compare(text);
  }
}

TEST(JsonFastParseTest, EdgeCases) {
  for (const char* text : {"", " ", "{", "}", "[", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "-", "-0", "0",
                           "1.5", "1e3", "18446744073709551615", "18446744073709551616",
                           "-9223372036854775808", "-9223372036854775809", "\"a\\u0041\"", "\"\xc3\xa9\"",
                           "{\"a\":1,\"a\":2}", "{\"b\":1,\"a\":2}", "[true,false,null]", "nul", "truex",
                           "[1] [2]", "\"\x7f\"", "{\"\":\"\"}"}) {
    Compare(text);
  }
  json v;
  ASSERT_TRUE(FastParseJson("{\"a\":1,\"a\":2}", v));
  EXPECT_EQ(v.dump(), "{\"a\":2}");  // the last value, as nlohmann keeps
  // ParseJson: the fast path, else nlohmann (escapes, fractions), discarded when not JSON.
  EXPECT_EQ(ParseJson("{\"a\":[1,-2]}").dump(), "{\"a\":[1,-2]}");
  EXPECT_EQ(ParseJson("\"a\\u0041\"").get<std::string>(), "aA");
  EXPECT_TRUE(ParseJson("1.5").is_number_float());
  EXPECT_TRUE(ParseJson("{").is_discarded());
  EXPECT_TRUE(ParseJson("").is_discarded());
  std::string deep(300, '[');
  deep += std::string(300, ']');
  EXPECT_FALSE(FastParseJson(deep, v));
  Compare(deep);
}

// ParseJsonInto gives what ParseJson gives, whatever the value it reads
// into held before: every pair of documents (plain, with escapes and
// fractions, edited, of similar shape so that members are reused), one read
// into the other.
TEST(JsonFastParseTest, ParseJsonIntoEqualsParseJsonWhateverItReusesOrDiscards) {
  Generator plain(11, true), odd(12, false);
  auto& rng = plain.rng();
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) {
    json doc = json::object();  // shapes like event data: a few of a handful of keys
    for (const char* k : {"id", "occurred_at", "owner", "to", "from", "links"}) {
      if (rng() % 3 != 0) doc[k] = (i % 2 == 0 ? plain : odd).Value(2);
    }
    texts.push_back(doc.dump());
    texts.push_back(plain.Value(0).dump());
    texts.push_back(odd.Value(0).dump());
  }
  for (const char* t : {"{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":2}", "{\"a\":[1,2,3]}", "{\"a\":[]}", "{",
                        "", "[1,[2,{\"x\":\"y\"}]]", "{\"a\":\"\\u0041\"}", "{\"a\":1.5}"}) {
    texts.push_back(t);
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    json into = ParseJson(texts[i]);
    for (int k = 0; k < 8; ++k) {
      const std::string& next = texts[rng() % texts.size()];
      ParseJsonInto(next, into);
      const json fresh = ParseJson(next);
      ASSERT_EQ(into.is_discarded(), fresh.is_discarded()) << next;
      if (!fresh.is_discarded()) {
        ASSERT_TRUE(SameTree(into, fresh)) << next << "\ngot " << into.dump();
      }
    }
  }
}

TEST(JsonFastParseTest, ParseJsonIntoKeepsTheStringsItOverwrites) {
  json into = ParseJson(R"({"a":"a string longer than the small-string buffer","n":[1,2]})");
  const char* before = into["a"].get_ref<const std::string&>().data();
  ParseJsonInto(R"({"a":"another string, also longer than that","n":[3]})", into);
  EXPECT_EQ(into["a"].get_ref<const std::string&>().data(), before);  // assigned in place
  EXPECT_EQ(into.dump(), R"({"a":"another string, also longer than that","n":[3]})");
}


// CutTopLevelMembers: on any document (escapes, brackets inside strings,
// any layout), the result parses to the document with the named members
// emptied; the other members are untouched.
TEST(CutTopLevelMembersTest, EmptiesTheNamedMembersOfAnyDocument) {
  Generator g(5, false);
  auto& rng = g.rng();
  for (int i = 0; i < 3000; ++i) {
    json doc = json::object();
    for (std::uint64_t n = rng() % 6; n > 0; --n) doc[g.Text()] = g.Value(1);
    doc["big"] = g.Value(1);
    doc["list"] = json::array({g.Text(), "]}\"{[", g.Value(2)});
    std::set<std::string> names = {"big", "list"};
    // The first key too, unless it is written with an escape (never cut).
    const std::string first = doc.begin().key();
    if (json(first).dump() == "\"" + first + "\"") names.insert(first);
    json expected = json::parse(doc.dump());  // the types a parser gives (0 is unsigned)
    for (const auto& n : names) {
      json& v = expected[n];
      if (v.is_object()) v = json::object();
      if (v.is_array()) v = json::array();
    }
    for (const std::string& text : {doc.dump(), doc.dump(1), doc.dump(4), " \n" + doc.dump(2) + "\n"}) {
      auto cut = CutTopLevelMembers(text, names);
      ASSERT_TRUE(cut.has_value()) << text;
      ASSERT_TRUE(SameTree(json::parse(*cut), expected)) << text << "\n=> " << *cut << "\nexpected " << expected.dump();
    }
  }
}

TEST(CutTopLevelMembersTest, WhatDoesNotScanIsLeftToTheParser) {
  const std::set<std::string> names = {"a"};
  EXPECT_EQ(CutTopLevelMembers("{}", names), "{}");
  EXPECT_EQ(CutTopLevelMembers(R"({"a": [1, {"x": "]"}], "b": 2})", names), R"({"a": [], "b": 2})");
  EXPECT_EQ(CutTopLevelMembers(R"({"b": "a\"}", "a": {"c": "\\"}})", names), R"({"b": "a\"}", "a": {}})");
  // A key with an escape is never cut.
  EXPECT_EQ(CutTopLevelMembers(R"({"\u0061": [1]})", names), R"({"\u0061": [1]})");
  for (const char* bad : {"", "[]", "{", R"({"a": [1, 2})", R"({"a" [1]})", R"({"a": [1]] })", R"({"a": "x)",
                          R"({"a": 1 "b": 2})", R"({,})", R"({"a": 1,})"}) {
    EXPECT_FALSE(CutTopLevelMembers(bad, names).has_value()) << bad;
  }
}

// Text nested `depth` deep: `{"z":[[...[1]...]]}` (an object, then arrays).
std::string Nested(std::size_t depth, std::string_view inner = "1") {
  return "{\"z\":" + std::string(depth - 1, '[') + std::string(inner) + std::string(depth - 1, ']') + "}";
}

// Regression (issue 15): a body nested 100,000 deep parsed (nlohmann parses
// iteratively) and then overflowed the stack when dumped or copied. Both
// paths refuse past domain::kMaxJsonDepth and accept up to it.
TEST(JsonDepthTest, BothPathsAcceptTheLimitAndRefuseDeeper) {
  const std::size_t limit = domain::kMaxJsonDepth;
  // "\u0041" takes the nlohmann path (the fast path refuses escapes).
  for (std::string_view inner : {"1", "[]", "\"\\u0041\"", "{}"}) {
    const std::size_t extra = inner == "[]" || inner == "{}" ? 1 : 0;  // the inner value nests too
    const std::string at_limit = Nested(limit - extra, inner);
    json value = ParseJson(at_limit);
    ASSERT_FALSE(value.is_discarded()) << inner;
    EXPECT_EQ(value.dump(), json::parse(at_limit).dump());
    json into = json::object();
    ParseJsonInto(at_limit, into);
    EXPECT_EQ(into, value);
    EXPECT_TRUE(ParseJson(Nested(limit + 1 - extra, inner)).is_discarded()) << inner;
    json again = json::object();
    ParseJsonInto(Nested(limit + 1 - extra, inner), again);
    EXPECT_TRUE(again.is_discarded()) << inner;
  }
  EXPECT_TRUE(ParseJson(Nested(100'000)).is_discarded());
  EXPECT_TRUE(ParseJson(Nested(100'000, "\"\\n\"")).is_discarded());
}

}  // namespace
}  // namespace assure::api
