// Identity documents, phones and plates in the browser: the same rules as
// server/identity/idcheck.py, so a guard sees a mistyped number before sending it. Pure (no DOM).
// tests/fixtures/idcheck_vectors.json holds the cases both implementations must agree on.
// Errors are the server's field codes: id_format_<type>, id_province, id_birth_year, id_birth_date,
// id_check_char, phone_format.

export const ID_TYPES = ["resident_id", "foreign_permanent_resident", "hk_macau_permit", "taiwan_permit",
  "passport", "other"];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = "10X98765432";

// Python's str whitespace (what `\s` means there), so both sides drop exactly the same characters.
const WS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACES = new RegExp(`[${WS}]+`, "g");
const EDGES = new RegExp(`^[${WS}]+|[${WS}]+$`, "g");

const RESIDENT = /^[0-9]{6}([0-9]{8})[0-9]{3}[0-9X]$/;
// GB/T 2260 provinces (71 Taiwan, 81 Hong Kong, 82 Macao) and 83 of Taiwan residents' residence permits.
const PROVINCE_CODES = new Set(("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
  + "61 62 63 64 65 71 81 82 83").split(" "));
const FOREIGN_2023 = /^9[0-9]{5}([0-9]{8})[0-9]{3}[0-9X]$/;
const FOREIGN_OLD = /^[A-Z]{3}[0-9]{12}$/;
const PATTERNS = {
  hk_macau_permit: /^[HM][0-9]{8}([0-9]{2})?$/,
  taiwan_permit: /^[0-9]{8}([0-9]{2})?$/,
  passport: /^(?=.*[0-9])[A-Z0-9]{5,20}$/,
  other: /^[A-Z0-9][A-Z0-9\-./]{2,31}$/,
};
// How many characters a complete number of each type has at most (for the typing hint).
export const MAX_LENGTH = {
  resident_id: 18, foreign_permanent_resident: 18, hk_macau_permit: 11, taiwan_permit: 10,
  passport: 20, other: 32,
};

const MOBILE = /^1[3-9][0-9]{9}$/;
const PHONE_TEXT = /^\+?[0-9][0-9 ()\-/]{3,30}$/;

const PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
const PLATE_ORDINARY = new RegExp(`^[${PROVINCES}][A-Z][A-HJ-NP-Z0-9]{5}$`);
const PLATE_NEW_ENERGY = new RegExp(`^[${PROVINCES}][A-Z][A-HJ-NP-Z0-9]{6}$`);
const PLATE_DROP = new RegExp(`[${WS}·•・\\-]`, "g");

// Return an ID number in half-width upper case without spaces (全角 digits, lowercase x).
export function normaliseId(number) {
  return String(number ?? "").normalize("NFKC").replace(SPACES, "").toUpperCase();
}

// Return the MOD 11-2 check character of the first 17 digits of an ID number.
export function checkChar(first17) {
  let total = 0;
  for (let i = 0; i < 17; i++) total += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[total % 11];
}

// Return "YYYY-MM-DD" of today in the venue's time zone (the server checks with its own date).
export function todayIn(timeZone = "Asia/Shanghai") {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date());
}

// Return why YYYYMMDD is not a birth date from 1900 up to today ("YYYY-MM-DD"): a code, or null.
function birthError(text, today) {
  if (text.slice(0, 4) < "1900") return "id_birth_year";
  return realBirthDate(text, today) ? null : "id_birth_date";
}

// Tell whether YYYYMMDD is a real date from 1900-01-01 up to today ("YYYY-MM-DD").
function realBirthDate(text, today) {
  const [y, m, d] = [+text.slice(0, 4), +text.slice(4, 6), +text.slice(6, 8)];
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y); // Date.UTC maps years 0–99 to 1900–1999
  if (m < 1 || m > 12 || d < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  return iso >= "1900-01-01" && iso <= today;
}

// Check an 18-character number: its province (when asked), birth date and check character:
// null (no match), "" or a code.
function checked18(value, pattern, today, province = false) {
  const match = pattern.exec(value);
  if (!match) return null;
  if (province && !PROVINCE_CODES.has(value.slice(0, 2))) return "id_province";
  const born = birthError(match[1], today);
  if (born) return born;
  if (checkChar(value.slice(0, 17)) !== value[17]) return "id_check_char";
  return "";
}

// Return {value, error}: the normalised number and null when plausible for its type, else
// value null and the server's field code. today: "YYYY-MM-DD" (default: today at the venue).
export function checkId(idType, number, today = todayIn()) {
  const value = normaliseId(number);
  let error;
  if (idType === "resident_id") {
    error = checked18(value, RESIDENT, today, true);
  } else if (idType === "foreign_permanent_resident") {
    error = checked18(value, FOREIGN_2023, today);
    if (error === null && FOREIGN_OLD.test(value)) error = "";
  } else {
    const pattern = PATTERNS[idType];
    error = pattern && pattern.test(value) ? "" : null;
  }
  if (error === null) return { value: null, error: `id_format_${idType}` };
  return error ? { value: null, error } : { value, error: null };
}

// Judge a number while it is being typed: {state: "empty"|"typing"|"valid"|"invalid", error,
// value, count}. A resident ID (and the 2023 card) is refused as soon as a wrong character, an
// impossible birth date or a wrong length shows; other documents only once complete.
export function checkTyping(idType, number, today = todayIn()) {
  const value = normaliseId(number);
  const count = value.length;
  if (!count) return { state: "empty", error: null, value, count };
  const full = checkId(idType, value, today);
  if (!full.error) return { state: "valid", error: null, value: full.value, count };
  if (idType === "resident_id" || (idType === "foreign_permanent_resident" && /^9/.test(value))) {
    const early = earlyError(idType, value, today);
    return early || count >= 18 ? { state: "invalid", error: early || full.error, value, count }
      : { state: "typing", error: null, value, count };
  }
  if (count > MAX_LENGTH[idType]) return { state: "invalid", error: full.error, value, count };
  return { state: "typing", error: full.error, value, count };
}

// Return the error a partly typed 18-character number already shows, or null.
function earlyError(idType, value, today) {
  const digits = value.slice(0, 17);
  if (!/^[0-9]*$/.test(digits) || (value.length === 18 && !/[0-9X]/.test(value[17])) || value.length > 18) {
    return `id_format_${idType}`;
  }
  if (idType === "resident_id" && value.length >= 2 && !PROVINCE_CODES.has(value.slice(0, 2))) return "id_province";
  if (value.length >= 10 && value.slice(6, 10) < "1900") return "id_birth_year";
  if (value.length >= 14 && !realBirthDate(value.slice(6, 14), today)) return "id_birth_date";
  const month = +value.slice(10, 12);
  if (value.length >= 12 && (month < 1 || month > 12)) return "id_birth_date";
  if (value.length >= 10 && !realBirthDate(`${value.slice(6, 10)}1231`, today)
      && !realBirthDate(`${value.slice(6, 10)}0101`, today)) return "id_birth_date";
  return null;
}

// Return the shown form of an ID: first 6 and last 4 (shorter documents show less).
export function maskId(number) {
  const n = number.length;
  const keep = n >= 14 ? 6 : n >= 12 ? 2 : 1;
  const last = n >= keep + 5 ? 4 : 2;
  return number.slice(0, keep) + "*".repeat(Math.max(0, n - keep - last)) + number.slice(n - last);
}

// Return {value, error}: a mainland mobile is checked strictly, anything else loosely.
export function checkPhone(phone) {
  const text = String(phone ?? "").normalize("NFKC").replace(EDGES, "");
  let digits = text.replace(new RegExp(`[${WS}\\-]`, "g"), "");
  if (digits.startsWith("+86")) digits = digits.slice(3);
  if (/^[0-9]{11}$/.test(digits) && digits.startsWith("1")) {
    return MOBILE.test(digits) ? { value: digits, error: null } : { value: null, error: "phone_format" };
  }
  if (PHONE_TEXT.test(text)) return { value: text.replace(SPACES, " "), error: null };
  return { value: null, error: "phone_format" };
}

// Tell whether a phone is a mainland mobile (the form's hint), after the same normalising.
export function isMobile(phone) {
  const { value } = checkPhone(phone);
  return Boolean(value && MOBILE.test(value));
}

// Return {plate, unusual}: upper half-width without separators; never refuse one.
export function normalisePlate(plate) {
  const text = String(plate ?? "").normalize("NFKC").replace(PLATE_DROP, "").toUpperCase();
  return { plate: text, unusual: !(PLATE_ORDINARY.test(text) || PLATE_NEW_ENERGY.test(text)) };
}
