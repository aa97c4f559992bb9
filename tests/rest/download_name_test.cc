// The names controlled documents download as (api/rest/download_name.h).
#include "api/rest/download_name.h"

#include <gtest/gtest.h>

namespace assure::api::rest {
namespace {

TEST(DownloadNameTest, NumberTitleVersionAndTheExtensionOfTheType) {
  domain::ControlledDocumentState doc;
  doc.title = "Governance policy";
  doc.document_numbers = {"WMIN-GOV-003", "OLD-1"};
  domain::DocumentVersion v;
  v.version_label = "2.1";
  v.media_type = "application/pdf";
  EXPECT_EQ(DownloadFileName(doc, v), "WMIN-GOV-003 Governance policy v2.1.pdf");
  v.media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  EXPECT_EQ(DownloadFileName(doc, v), "WMIN-GOV-003 Governance policy v2.1.docx");
  v.media_type = "text/plain; charset=utf-8";
  EXPECT_EQ(DownloadFileName(doc, v), "WMIN-GOV-003 Governance policy v2.1.txt");
  v.media_type = "application/x-unknown";
  EXPECT_EQ(DownloadFileName(doc, v), "WMIN-GOV-003 Governance policy v2.1") << "no extension we would invent";
  // Nothing to name it by; control characters and slashes are dropped.
  EXPECT_EQ(DownloadFileName(domain::ControlledDocumentState{}, domain::DocumentVersion{}), "document");
  doc.document_numbers.clear();
  doc.title = " a/b\\c\n\x01 ";
  v.version_label.clear();
  v.media_type = "text/csv";
  EXPECT_EQ(DownloadFileName(doc, v), "a b c.csv");
  // Long titles are cut on a whole UTF-8 character.
  doc.title.clear();
  for (int i = 0; i < 100; ++i) doc.title += "\xc3\xa9";  // é, 2 bytes each
  const std::string cut = DownloadFileName(doc, v);
  EXPECT_EQ(cut.size(), 150u + 4u);
  EXPECT_EQ(cut.substr(cut.size() - 4), ".csv");
}

TEST(DownloadNameTest, ContentDispositionHasAnAsciiNameAndTheExactOne) {
  EXPECT_EQ(ContentDisposition("IN-601 Protocol v1.0.pdf"),
            "attachment; filename=\"IN-601 Protocol v1.0.pdf\"; filename*=UTF-8''IN-601%20Protocol%20v1.0.pdf");
  EXPECT_EQ(ContentDisposition("R\xc3\xa9sum\xc3\xa9 \"x\".txt"),
            "attachment; filename=\"R__sum__ _x_.txt\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22x%22.txt");
}

}  // namespace
}  // namespace assure::api::rest
