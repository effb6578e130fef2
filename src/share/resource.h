// A catalog resource of the government information resource catalog (政务信息资源目录,
// PRODUCT.md C11): the core metadata of GB/T 21063.3 for one dataset a department
// provides, and the sharing and opening attributes the sharing flows check.
//
// Sharing (共享属性) says whether other departments may get the data: `unconditional`
// (无条件共享: granted on request), `conditional` (有条件共享: the provider approves;
// the conditions are stated) or `none` (不予共享: refused; the legal basis is stated).
// Opening (开放属性) says whether the public may: `open` (无条件开放), `conditional`
// (有条件开放) or `closed` (不予开放). An `open` resource never carries an item graded
// general-3 or above, and a `none` resource is always `closed`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/sensitivity.h"
#include "core/status.h"
#include "core/types.h"

namespace citydata::share {

enum class Sharing { kUnconditional, kConditional, kNone };
enum class Opening { kOpen, kConditional, kClosed };
// A version is published, then unpublished or superseded by the next version.
enum class ResourceState { kPublished, kUnpublished, kSuperseded };

// "unconditional", "conditional", "none" and the inverse (InvalidArgument naming the
// valid spellings); likewise for the others.
std::string_view SharingName(Sharing sharing);
Result<Sharing> ParseSharing(std::string_view name);
std::string_view SharingLabel(Sharing sharing);  // 无条件共享, 有条件共享, 不予共享
std::string_view OpeningName(Opening opening);   // "open", "conditional", "closed"
Result<Opening> ParseOpening(std::string_view name);
std::string_view OpeningLabel(Opening opening);   // 无条件开放, 有条件开放, 不予开放
std::string_view StateName(ResourceState state);  // "published", ...
Result<ResourceState> ParseState(std::string_view name);

// The update cycles of the catalog guide, stored by their English key:
//   realtime 实时, daily 每日, weekly 每周, monthly 每月, quarterly 每季度,
//   semiannual 每半年, yearly 每年, irregular 不定期.
// Either spelling is accepted; InvalidArgument lists them otherwise.
Result<std::string> ParseUpdateCycle(std::string_view text);
std::string_view UpdateCycleLabel(std::string_view key);

// The classification (类/项/目/细目) of a resource: two to four names, the first one
// of the three 类 of the guide (基础信息资源类, 主题信息资源类, 部门信息资源类; the
// 类 suffix may be left out), and its code: 类 1 digit (1, 2, 3), 项 2 digits, 目 3
// digits, 细目 3 digits, absent levels written as zeros, e.g. "101001001".
struct Classification {
  std::vector<std::string> names;
  std::string code;

  std::string Path() const;  // the names joined by '/'
};

// Splits "基础信息资源类/人口/户籍/户籍人口" into names, with the 类 written in full.
// InvalidArgument for fewer than two or more than four levels, empty names or an
// unknown 类.
Result<std::vector<std::string>> ParseClassificationPath(std::string_view path);
// The 类 digit, 1-3, of a parsed path.
int CategoryDigit(const std::string& category);

// An information item (信息项): a published column with its type and graded level.
struct InformationItem {
  std::string name;
  ColumnType type = ColumnType::kText;
  Level level = Level::kGeneral1;
  std::string category;  // the sensitive-data category in force ("none" when nothing was found)
};

struct Resource {
  std::string id;  // "res_..."; kept across versions
  int64_t version = 1;
  ResourceState state = ResourceState::kPublished;
  std::string code;  // classification code + "/" + 6-digit sequence, e.g. "101001001/000001"
  DatasetName dataset;
  Classification classification;
  std::string name;
  std::string dept;       // provider department code (信息资源提供方代码)
  std::string dept_name;  // provider department (信息资源提供方)
  std::string summary;
  std::string format;  // 信息资源格式, e.g. "数据库"
  std::vector<InformationItem> items;
  Sharing sharing = Sharing::kConditional;
  std::string sharing_conditions;  // the conditions, or for `none` the legal basis
  std::string sharing_mode;        // 共享方式, e.g. "接口"
  Opening opening = Opening::kClosed;
  std::string opening_conditions;
  std::string update_cycle;          // a key of ParseUpdateCycle
  std::vector<std::string> related;  // codes of related resources (关联资源代码)
  Level grade = Level::kGeneral1;    // the dataset's grade when published
  std::string first_published_at;    // of version 1 (ISO 8601 UTC)
  std::string published_at;          // of this version (发布日期)
  std::string unpublished_at;        // "" while published
  std::string unpublished_reason;
  std::string published_by;  // user name

  // Items graded general-3 or above, which open data must not carry.
  std::vector<const InformationItem*> SensitiveItems() const;
};

// The resource as JSON (keys as in the struct, with "classification": {"path", "names",
// "code"}, labels for the attributes) and back. FromJson is the inverse for documents
// ToJson wrote; InvalidArgument for anything else.
nlohmann::json ToJson(const Resource& resource);
Result<Resource> ResourceFromJson(const nlohmann::json& doc);

}  // namespace citydata::share
