"""Recognise which canonical field each column of a donor's export holds.

Header names are matched without case, spaces or punctuation ("Serial No.", "serial_no" and
"SERIAL  NO" are one key), with "#" read as "no" ("Asset #" = "Asset No"). A unit in the header
("RAM (GB)", "Total RAM MB", "Capacity (bytes)") is set aside and steers how the values are read.
The tables below are data, listed for people in docs/manifest-import.md.
"""

import re
from collections.abc import Iterable

from lib.manifest import messages
from lib.manifest.model import FIELD_LABELS, FIELDS, Problem, Recognition

# For each field, the header keys that mean it, best first: when two columns mean the same field,
# the better key wins and the other is ignored ("Model" over "Model No." in Snipe-IT, "Model"
# over "Model Identifier" in Jamf).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "serial_number": (
        *("serialnumber", "serialno", "serial", "sn", "sno", "serialnum", "servicetag"),
        *("deviceserialnumber", "deviceserial", "hardwareserialnumber", "hardwareserial"),
        *("systemserialnumber", "manufacturerserialnumber"),
    ),
    "asset_tag": (
        *("assettag", "assetno", "assetnumber", "assettagnumber", "assettagno", "assetid"),
        *("assetcode", "assetref", "assetreference", "asset", "inventorynumber", "inventoryno"),
        *("inventorytag", "propertytag", "propertynumber", "tag", "tagnumber", "tagno", "barcode"),
    ),
    "imei": ("imei", "imeino", "imeinumber", "imei1", "primaryimei"),
    "device_type": (
        *("devicetype", "type", "assettype", "equipmenttype", "producttype", "itemtype"),
        *("hardwaretype", "devicecategory", "assetcategory", "category", "formfactor"),
        *("chassistype", "kind"),
    ),
    "make": (
        *("make", "manufacturer", "brand", "mfr", "mfg", "oem", "maker"),
        *("devicemanufacturer", "systemmanufacturer", "hardwaremanufacturer"),
        "manufacturername",  # Windows Autopilot's device list (Microsoft Managed Desktop)
    ),
    "model": (
        *("model", "modelname", "devicemodel", "systemmodel", "hardwaremodel", "productname"),
        *("product", "modeldescription", "modelno", "modelnumber", "modelidentifier"),
    ),
    "cpu": (
        *("cpu", "processor", "processortype", "processorname", "processormodel", "cpumodel"),
        *("cputype", "cpuname", "chip"),
    ),
    "ram_gb": (
        *("ram", "memory", "totalram", "physicalmemory", "installedram", "installedmemory"),
        *("ramsize", "memorysize", "totalmemory", "systemmemory", "ramamount"),
    ),
    "storage_gb": (
        *("storage", "totalstorage", "storagesize", "storagecapacity", "internalstorage"),
        *(
            "disksize",
            "disk",
            "diskcapacity",
            "totaldiskspace",
            "totaldisksize",
            "totalstoragespace",
        ),
        *("hdd", "hddsize", "ssd", "ssdsize", "harddrive", "harddisk", "harddrivesize"),
        *("harddisksize", "drive", "drivesize", "drivecapacity", "bootdrivecapacity", "capacity"),
    ),
    "year": (
        *("year", "purchasedate", "purchased", "dateofpurchase", "purchasedon", "purchaseyear"),
        *("yearpurchased", "podate", "acquisitiondate", "acquireddate", "dateacquired"),
        *("manufacturedate", "manufacturingdate", "dateofmanufacture", "yearofmanufacture"),
        *("manufactureyear", "modelyear", "releaseyear", "shipdate"),
    ),
    "screen_inches": (
        *("screensize", "screen", "screeninches", "displaysize", "display", "screendiagonal"),
        *("displaydiagonal", "monitorsize"),
    ),
    "notes": (
        *("notes", "note", "comments", "comment", "remarks", "remark", "description"),
        *("condition", "conditionnotes", "additionalinformation", "additionalinfo"),
    ),
}

# Headers Rehome knows and leaves out on purpose. Most are management details; the people ones
# (users, e-mail addresses, UPNs, phone numbers, names of devices that often name people) are
# personal data Rehome must not store, so they are never mapped, not even into notes.
IGNORED = frozenset(
    {
        *("devicename", "computername", "assetname", "name", "displayname", "hostname"),
        *("managementname", "manageddevicename"),
        *("user", "username", "userid", "primaryuser", "primaryuserupn", "upn"),
        *("primaryuseremailaddress", "primaryuserdisplayname", "userprincipalname"),
        *("email", "emailaddress", "fullname", "checkedoutto", "assignedto", "owner"),
        *("employee", "employeeno", "employeenumber", "phonenumber", "phone", "mobilenumber"),
        *("location", "defaultlocation", "site", "building", "room", "department", "company"),
        *("title", "position", "status", "ownership", "managedby", "managementagent"),
        *("managementstate", "compliance", "compliancestate", "os", "osversion"),
        *("operatingsystem", "operatingsystemversion", "osbuild", "platform", "iosversion"),
        *("lastcheckin", "lastseen", "lastsync", "lastinventoryupdate", "lastcontact"),
        *("enrollmentdate", "enrolleddate", "createdat", "updatedat", "lastaudit"),
        *("nextauditdate", "ipaddress", "reportedipaddress", "macaddress", "wifimac"),
        *("wifimacaddress", "ethernetmac", "ethernetmacaddress", "bluetoothmacaddress"),
        *("iccid", "eid", "meid", "subscribercarrier", "carrier", "imei2", "secondaryimei"),
        *("freestorage", "availablestorage", "freespace", "availablespace", "bootdriveavailable"),
        *("bootdrivepercentagefull", "deviceid", "azureaddeviceid", "entradeviceid", "udid"),
        *("intunedeviceid", "id", "supplier", "vendor", "ordernumber", "ponumber"),
        *("purchasecost", "purchaseprice", "cost", "price", "value", "warranty"),
        *("warrantymonths", "warrantyexpires", "warrantyexpiration", "eol", "checkedout"),
        *("requestable", "processorspeed", "processorspeedmhz", "jailbroken", "supervised"),
        *("managed", "encrypted", "skufamily", "jointype", "securitypatchlevel"),
        *("compliancegraceperiodexpiration", "easactivationid", "easactivated"),
        *("lasteassynctime", "easstatus", "easreason", "azureadregistered", "devicestate"),
        *("enrollmentprofilename", "registeredowners", "available", "architecturetype"),
        # Windows Autopilot's device list, which Microsoft Managed Desktop registers devices by
        *("assigneduser", "windowsproductid", "hardwarehash", "grouptag", "profilestatus"),
        *("purchaseorder", "deploymentprofile", "lastcontacted", "enrollmentstate"),
    }
)

# The ignored headers that name people (or devices named after them): never mapped to any field,
# whatever the donor chooses, so no one's name, e-mail or phone number reaches Rehome.
PERSONAL = frozenset(
    {
        *("devicename", "computername", "assetname", "name", "displayname", "hostname"),
        *("managementname", "manageddevicename", "registeredowners"),
        *("user", "username", "userid", "primaryuser", "primaryuserupn", "upn"),
        *("primaryuseremailaddress", "primaryuserdisplayname", "userprincipalname"),
        *("email", "emailaddress", "fullname", "checkedoutto", "assignedto", "owner"),
        *("employee", "employeeno", "employeenumber", "phonenumber", "phone", "mobilenumber"),
        "assigneduser",
    }
)
assert PERSONAL <= IGNORED


def is_personal(header: str) -> bool:
    """Whether a column's header says it names people."""
    return header_key(header)[0] in PERSONAL


# Columns no field takes but validation reads to work out a device's type.
OS_KEYS = frozenset({"os", "operatingsystem", "platform", "osplatform", "osname", "ostype"})
MODEL_IDENTIFIER_KEY = "modelidentifier"

# Header keys that give each export away; the format with the most (at least three) wins.
SIGNATURES: dict[str, frozenset[str]] = {
    "snipe-it": frozenset(
        {
            *("assettag", "assetname", "modelno", "category", "status", "checkedout"),
            *("assignedto", "eol", "ordernumber", "supplier", "lastaudit", "nextauditdate"),
            *("warrantyexpires", "purchasecost", "defaultlocation", "requestable", "company"),
        }
    ),
    "intune": frozenset(
        {
            *("devicename", "primaryuserupn", "primaryuseremailaddress", "primaryuserdisplayname"),
            *("managedby", "ownership", "compliance", "lastcheckin", "azureaddeviceid"),
            *("enrollmentdate", "totalstorage", "freestorage", "managementagent", "skufamily"),
            *("managementname", "jointype", "easactivated", "securitypatchlevel", "jailbroken"),
            *("deviceid", "wifimac", "physicalmemory"),
        }
    ),
    "jamf": frozenset(
        {
            *("computername", "modelidentifier", "totalram", "lastinventoryupdate"),
            *("processortype", "processorspeedmhz", "operatingsystemversion", "udid"),
            *("bootdrivepercentagefull", "reportedipaddress", "iosversion", "displayname"),
            *("drivecapacity", "capacity"),
        }
    ),
}
MIN_SIGNATURE = 3

# Where an export's column means something else than the plain word: Intune's "Category" is a
# grouping the administrator invents, not a kind of device.
FORMAT_IGNORES: dict[str, frozenset[str]] = {"intune": frozenset({"category"})}
# Units an export uses without saying so in the header.
FORMAT_UNITS: dict[str, dict[str, str]] = {"intune": {"totalstorage": "mb", "physicalmemory": "b"}}

BYTE_UNITS = frozenset({"tb", "tib", "gb", "gib", "mb", "mib", "kb", "kib", "bytes", "byte"})
LENGTH_UNITS = frozenset({"inches", "inch", "cm"})
_UNIT_SUFFIXES = ("inbytes", "bytes", "gib", "gb", "mib", "mb", "tib", "tb", "kb", "inches", "cm")
_FILLER = frozenset({"in", "of", "the"})
_WORDS = re.compile(r"[^\W_]+")

FIELD_OF_KEY = {key: field for field, keys in SYNONYMS.items() for key in keys}
RANK_OF_KEY = {key: rank for keys in SYNONYMS.values() for rank, key in enumerate(keys)}


def header_key(header: str) -> tuple[str, str | None]:
    """("serialno", None) for "Serial No.", ("totalram", "mb") for "Total RAM MB"."""
    text = header.casefold().replace("#", " no ").replace("&", " and ")
    words = _WORDS.findall(text)
    unit = next((word for word in words if word in BYTE_UNITS | LENGTH_UNITS), None)
    if unit and len(words) > 1:
        words = [word for word in words if word != unit]
    else:
        unit = None
    key = "".join(words)
    if key not in FIELD_OF_KEY and key not in IGNORED:
        # "Screen size in inches" → "screensize"
        key = "".join(word for word in words if word not in _FILLER) or key
    if key not in FIELD_OF_KEY and key not in IGNORED:
        # Glued units, as in API dumps: "ramGB", "totalStorageSpaceInBytes".
        for suffix in _UNIT_SUFFIXES:
            stem = key.removesuffix(suffix)
            if stem != key and stem in FIELD_OF_KEY:
                return stem, suffix.removeprefix("in") if suffix != "inches" else suffix
    return key, unit


def detect_format(headers: Iterable[str]) -> str:
    """ "snipe-it", "intune" or "jamf" when the headers match that export, else "spreadsheet"."""
    keys = {header_key(header)[0] for header in headers}
    scores = {name: len(keys & signature) for name, signature in SIGNATURES.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= MIN_SIGNATURE else "spreadsheet"


def _field_of(key: str, unit: str | None, export: str) -> str | None:
    if key in FORMAT_IGNORES.get(export, ()):
        return None
    field = FIELD_OF_KEY.get(key)
    if field and unit in LENGTH_UNITS and field != "screen_inches":
        return None
    return field


def header_score(headers: list[str]) -> int:
    """How many cells of a row name a field: the header row is the row that names the most."""
    return sum(1 for header in headers if FIELD_OF_KEY.get(header_key(header)[0]))


def recognise(headers: list[str]) -> Recognition:
    """Map each header to the field it holds, or None. Never maps two headers to one field."""
    export = detect_format(headers)
    columns: dict[str, str | None] = dict.fromkeys(headers)
    best: dict[str, tuple[int, str]] = {}
    unrecognised, ignored = [], []
    for header in headers:
        key, unit = header_key(header)
        field = _field_of(key, unit, export)
        if field is None:
            (ignored if key in IGNORED or key in FIELD_OF_KEY else unrecognised).append(header)
            continue
        rank = RANK_OF_KEY[key]
        if field in best and best[field][0] <= rank:
            ignored.append(header)
            continue
        if field in best:
            ignored.append(best[field][1])
        best[field] = (rank, header)
    for field, (_, header) in best.items():
        columns[header] = field
    ignored.sort(key=headers.index)
    return Recognition(columns, export, unrecognised, ignored)


def mapping_problems(columns: dict[str, str | None]) -> list[Problem]:
    """One problem for each field chosen for more than one header."""
    first: dict[str, str] = {}
    problems = []
    for header, field in columns.items():
        if field is None:
            continue
        if field in first:
            message = messages.DOUBLE_MAPPING.format(
                label=FIELD_LABELS[field], first=first[field], second=header
            )
            problems.append(Problem(None, header, message, field))
        else:
            first[field] = header
    return problems


def apply_overrides(recognition: Recognition, overrides: dict[str, str | None]) -> Recognition:
    """The donor's choices on top of what was recognised: a header mapped to a field, or to None
    to leave it out. Choices for headers this file does not have are skipped (the app remembers
    them per donor, across files). A field chosen twice is reported in `problems`."""
    for field in overrides.values():
        if field is not None and field not in FIELDS:
            raise ValueError(f"{field!r} is not a manifest field")
    columns = dict(recognition.columns)
    # A column naming people stays out, even when chosen (a remembered choice, or a client
    # other than Rehome's own form).
    chosen = {
        header: field
        for header, field in overrides.items()
        if header in columns and (field is None or not is_personal(header))
    }
    columns.update(chosen)
    unrecognised = [header for header in recognition.unrecognised if header not in chosen]
    return Recognition(
        columns=columns,
        detected_format=recognition.detected_format,
        unrecognised=unrecognised,
        ignored=[h for h, f in columns.items() if f is None and h not in unrecognised],
        problems=mapping_problems(columns),
    )


def column_unit(header: str, export: str) -> str | None:
    """The unit a column's header states, or that its export is known to use."""
    key, unit = header_key(header)
    return unit or FORMAT_UNITS.get(export, {}).get(key)


def hint_columns(headers: list[str]) -> tuple[str | None, str | None]:
    """(operating system header, model identifier header), for working out device types."""
    os_header = identifier_header = None
    for header in headers:
        key = header_key(header)[0]
        if os_header is None and key in OS_KEYS:
            os_header = header
        elif identifier_header is None and key == MODEL_IDENTIFIER_KEY:
            identifier_header = header
    return os_header, identifier_header
