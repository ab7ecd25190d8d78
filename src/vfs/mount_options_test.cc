// MountOptions: parsing `-o` pairs, round trips, secrets and redaction;
// mount records: encoding and decoding.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "strata/vfs/mount_table.h"
#include "vfs/mount_record.h"

namespace strata::vfs {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

Status ParseStatus(const std::map<std::string, std::string>& pairs) {
  return MountOptions::Parse(pairs).status();
}

TEST(MountOptionsTest, ParsesFlagsAndKeepsBackendOptions) {
  auto o = MountOptions::Parse({{"readonly", ""},
                                {"shared", "false"},
                                {"region", "eu-west-1"},
                                {"endpoint", "http://h:1"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->readonly);
  EXPECT_FALSE(o->shared);
  EXPECT_FALSE(o->sync_interval.has_value());
  EXPECT_THAT(o->backend, ElementsAre(Pair("endpoint", "http://h:1"),
                                      Pair("region", "eu-west-1")));
  for (const char* yes : {"", "true", "1"}) {
    EXPECT_TRUE(MountOptions::Parse({{"shared", yes}})->shared) << yes;
  }
  for (const char* no : {"false", "0"}) {
    EXPECT_FALSE(MountOptions::Parse({{"readonly", no}})->readonly) << no;
  }
}

TEST(MountOptionsTest, NamespaceOptionsMatchCaseInsensitively) {
  // None of these may fall through to the backend, where file:// and mem://
  // would ignore them and leave the mount writable.
  for (const char* key : {"readonly", "ReadOnly", "READONLY", "read_only",
                          "Read_Only", "read-only", "READ-ONLY"}) {
    auto o = MountOptions::Parse({{key, "true"}});
    ASSERT_TRUE(o.ok()) << key << ": " << o.status().ToString();
    EXPECT_TRUE(o->readonly) << key;
    EXPECT_TRUE(o->backend.empty()) << key;
  }
  auto o = MountOptions::Parse(
      {{"Shared", "TRUE"}, {"Sync_Interval", "30s"}, {"Region", "r"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->shared);
  EXPECT_EQ(o->sync_interval, milliseconds(30000));
  EXPECT_THAT(o->backend, ElementsAre(Pair("Region", "r")));
  EXPECT_FALSE(MountOptions::Parse({{"READ_ONLY", "False"}})->readonly);
  EXPECT_EQ(MountOptions::Parse({{"SYNC_INTERVAL", "NEVER"}})->sync_interval,
            kSyncNever);
  EXPECT_EQ(MountOptions::Parse({{"sync_interval", "2S"}})->sync_interval,
            milliseconds(2000));
  // ToPairs writes the canonical spelling.
  EXPECT_THAT(MountOptions::Parse({{"Read-Only", ""}})->ToPairs(),
              ElementsAre(Pair("readonly", "true")));
  Status bad = ParseStatus({{"Read_Only", "perhaps"}});
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("Read_Only=perhaps"));
}

TEST(MountOptionsTest, ParsesSyncIntervals) {
  struct Case {
    const char* text;
    milliseconds want;
  };
  for (const Case& c :
       {Case{"0", kSyncAlways}, Case{"never", kSyncNever},
        Case{"250ms", milliseconds(250)}, Case{"30s", milliseconds(30000)},
        Case{"5m", milliseconds(300000)}, Case{"2h", milliseconds(7200000)},
        Case{"0s", milliseconds(0)}}) {
    auto o = MountOptions::Parse({{"sync_interval", c.text}});
    ASSERT_TRUE(o.ok()) << c.text << ": " << o.status().ToString();
    EXPECT_EQ(o->sync_interval, c.want) << c.text;
  }
}

TEST(MountOptionsTest, RefusesBadValuesNamingThem) {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{
           {"readonly", "yes please"},
           {"shared", "maybe"},
           {"sync_interval", "10"},
           {"sync_interval", "-5s"},
           {"sync_interval", "5 s"},
           {"sync_interval", "5d"},
           {"sync_interval", "s"},
           {"sync_interval", ""},
           {"sync_interval", "99999999999999999999h"},
           {"sync_interval", "9999999999999999h"}}) {
    Status st = ParseStatus({{key, value}});
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << key << "=" << value;
    EXPECT_THAT(std::string(st.message()), HasSubstr(key));
  }
  EXPECT_EQ(ParseStatus({{"", "x"}}).code(), StatusCode::kInvalidArgument);
}

TEST(MountOptionsTest, ToPairsRoundTrips) {
  MountOptions o;
  o.readonly = true;
  o.shared = true;
  o.backend["secret_access_key"] = "s/+=";
  for (milliseconds interval :
       {kSyncAlways, kSyncNever, milliseconds(1), milliseconds(1500),
        milliseconds(60000), milliseconds(3600000), milliseconds(90000)}) {
    o.sync_interval = interval;
    auto back = MountOptions::Parse(o.ToPairs());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->sync_interval, interval);
    EXPECT_TRUE(back->readonly);
    EXPECT_TRUE(back->shared);
    EXPECT_EQ(back->backend, o.backend);
    EXPECT_EQ(back->ToPairs(), o.ToPairs());
  }
  EXPECT_TRUE(MountOptions().ToPairs().empty());
  o.sync_interval = milliseconds(60000);
  EXPECT_EQ(o.ToPairs().at("sync_interval"), "1m");
}

TEST(MountOptionsTest, SecretOptionNames) {
  for (const char* secret :
       {"secret_access_key", "access_key_id", "session_token", "account_key",
        "key", "sas_token", "sas", "password", "client_credential",
        "connection_string", "X-Amz-Signature", "SECRET"}) {
    EXPECT_TRUE(IsSecretOption(secret)) << secret;
  }
  for (const char* plain :
       {"region", "endpoint", "path_style", "account", "profile", "key_prefix",
        "KEY_PREFIX", "dir_check", "readonly"}) {
    EXPECT_FALSE(IsSecretOption(plain)) << plain;
  }
}

TEST(MountOptionsTest, RedactedHidesOnlySecrets) {
  MountOptions o;
  o.backend["secret_access_key"] = "s";
  o.backend["account_key"] = "k";
  o.backend["sas_token"] = "t";
  o.backend["region"] = "us-east-1";
  o.backend["endpoint"] = "http://e";
  o.readonly = true;
  EXPECT_THAT(
      o.Redacted(),
      ElementsAre(Pair("account_key", "<redacted>"),
                  Pair("endpoint", "http://e"), Pair("readonly", "true"),
                  Pair("region", "us-east-1"), Pair("sas_token", "<redacted>"),
                  Pair("secret_access_key", "<redacted>")));
  EXPECT_EQ(o.ToPairs().at("secret_access_key"), "s");
}

TEST(MountRecordTest, EncodeDecodeRoundTrips) {
  MountPoint m;
  m.path = "/data/raw";
  m.uri = "s3://bucket/raw";
  m.id = 3;
  m.root_ino = 17;
  m.options.readonly = true;
  m.options.sync_interval = kSyncNever;
  m.options.backend["secret_access_key"] = "a\"b\\c/é";
  auto text = mount_record::Encode(m, 1790000000000000000);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  KeyValue kv;
  kv.key = mount_record::Key(m.path);
  kv.value = *text;
  auto back = mount_record::Decode(kv);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->path, m.path);
  EXPECT_EQ(back->uri, m.uri);
  EXPECT_EQ(back->id, 3u);
  EXPECT_EQ(back->root_ino, 17u);
  EXPECT_EQ(back->options.ToPairs(), m.options.ToPairs());
  EXPECT_EQ(back->type(), "s3");
}

TEST(MountRecordTest, EncodeRefusesInvalidUtf8) {
  MountPoint m;
  m.path = "/a";
  m.uri = "mem://x/";
  m.id = 1;
  m.root_ino = 1;
  m.options.backend["k"] = std::string("\xff\xfe");
  EXPECT_EQ(mount_record::Encode(m, 0).status().code(),
            StatusCode::kInvalidArgument);
  m.options.backend.clear();
  m.uri = std::string("mem://x/\xc0\xaf");  // overlong '/'
  EXPECT_EQ(mount_record::Encode(m, 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(MountRecordTest, Utf8Validation) {
  EXPECT_TRUE(mount_record::IsValidUtf8(""));
  EXPECT_TRUE(mount_record::IsValidUtf8("plain"));
  EXPECT_TRUE(mount_record::IsValidUtf8("é€😀"));
  EXPECT_FALSE(mount_record::IsValidUtf8("\x80"));
  EXPECT_FALSE(mount_record::IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(mount_record::IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(mount_record::IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(mount_record::IsValidUtf8("\xe0\x80\xaf"));      // overlong
}

TEST(MountRecordTest, NextIdCounter) {
  EXPECT_EQ(mount_record::DecodeNextId(mount_record::EncodeNextId(42)).value(),
            42u);
  for (const char* bad :
       {"", "{}", "{\"next\":0}", "{\"next\":-1}", "{\"next\":\"3\"}", "[1]"}) {
    EXPECT_EQ(mount_record::DecodeNextId(bad).status().code(),
              StatusCode::kDataLoss)
        << bad;
  }
}

TEST(MountPointTest, TypeIsTheScheme) {
  MountPoint m;
  m.uri = "S3A://b/p";
  EXPECT_EQ(m.type(), "s3a");
  m.uri = "/local/path";
  EXPECT_EQ(m.type(), "file");
  m.uri = "mem://x/";
  EXPECT_EQ(m.type(), "mem");
}

}  // namespace
}  // namespace strata::vfs
