#!/usr/bin/env python3
"""Writes a Pactum export document for a large organisation, to be loaded with
`pactum import`: 500 services, 10,000 data items, 2,000 processing activities (and some
vendors, measures and transfers). Deterministic: the same seed gives the same file."""
import json
import random
import sys
import uuid

SEED = 20261123
rng = random.Random(SEED)
counter = 0


def uid():
    # UUIDv7-shaped, ordered ids, as Pactum makes them (time prefix, random tail).
    global counter
    counter += 1
    ms = 1_790_000_000_000 + counter
    rand = rng.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


TS = "2026-11-23T09:30:00.000000Z"


def meta(project=None):
    m = {"id": uid()}
    if project:
        m["project_id"] = project
    m["created_at"] = TS
    m["updated_at"] = TS
    return m


def main(out, slug="bench", services=500, items=10_000, activities=2_000):
    org_id = uid()
    project = meta() | {"name": "Large data map", "description": "Benchmark organisation."}
    pid = project["id"]
    categories = ["identity.name", "contact.email", "contact.phone", "contact.postal_address", "online.ip_address",
                  "financial.invoicing", "professional.job", "online.usage", "communications.content"]
    words = ["CRM", "Helpdesk", "Payroll", "Billing", "Analytics", "Mailing", "Portal", "Backup", "Intranet", "Webshop"]
    vendors = [meta(pid) | {"name": f"Vendor {i}", "description": None, "role": "processor", "purpose": "Hosting",
                            "country": "NL", "transfer_mechanism": None, "website": None, "dpa_reference": f"DPA-{i}",
                            "breach_notice_hours": 24, "certifications": ["ISO 27001"], "sub_processors": []}
               for i in range(50)]
    measures = [meta(pid) | {"key": "encryption.in_transit_tls", "name": f"Measure {i}", "description": None,
                             "kind": "technical", "status": "implemented", "owner_role": None, "evidence": None}
                for i in range(40)]
    svc = []
    for i in range(services):
        svc.append(meta(pid) | {"name": f"{words[i % len(words)]} {i:04d}", "description": f"Service number {i}",
                                "owner_role": "IT", "provider": f"Provider {i % 37}",
                                "vendor_id": vendors[i % len(vendors)]["id"], "hosting_country": "NL",
                                "confidentiality": "internal", "backup_strategy_id": None, "device_group_ids": [],
                                "dpa_reference": None})
    di = []
    for i in range(items):
        di.append(meta(pid) | {"service_id": svc[i % services]["id"], "name": f"Field {i:05d}",
                               "description": "Benchmark data item", "category": categories[i % len(categories)],
                               "sensitivity": "regular", "classification": "internal", "legal_basis": "contract",
                               "art9_condition": None, "art10_basis": None, "retention_amount": 2,
                               "retention_unit": "years", "retention_trigger": "end of contract",
                               "retention_rationale": None, "subject_category": "customers", "source": None,
                               "examples": None})
    transfers = []
    for i in range(0, services, 5):
        transfers.append(meta(pid) | {"service_id": svc[i]["id"], "recipient": f"Recipient {i}", "vendor_id": None,
                                      "country": "US", "mechanism": "scc", "description": None,
                                      "data_item_ids": sorted({di[(i * 20 + k) % items]["id"] for k in range(3)})})
    acts = []
    for i in range(activities):
        acts.append(meta(pid) | {"name": f"Activity {i:04d}", "purposes": f"Purpose of activity {i}",
                                 "role": "controller", "controllers": None, "joint_controllers": None,
                                 "legal_basis": "contract", "legal_basis_note": None,
                                 "subject_categories": ["customers"],
                                 "data_item_ids": sorted({di[(i * 5 + k) % items]["id"] for k in range(5)}),
                                 "recipients": "Internal departments",
                                 "transfer_ids": [], "retention": "Two years after the contract",
                                 "security_measure_ids": sorted({measures[(i + k) % len(measures)]["id"] for k in range(3)})})
    doc = {
        "format": "pactum-export", "version": 1,
        "organisation": {"id": org_id, "created_at": TS, "updated_at": TS, "slug": slug,
                         "legal_name": "Bench B.V.", "trade_name": None, "address": None, "country": "NL",
                         "registration_number": None, "vat_number": None, "dpo_name": None, "dpo_email": None,
                         "dpo_phone": None, "eu_representative": None, "default_language": "en",
                         "role": "controller", "timezone": "Europe/Amsterdam"},
        "members": [], "projects": [project], "vendors": vendors, "backup_strategies": [], "device_groups": [],
        "security_measures": measures, "services": svc, "data_items": di, "data_users": [],
        "transfers": transfers, "processing_activities": acts,
    }
    with open(out, "w") as f:
        json.dump(doc, f)
    print(pid, svc[0]["id"])


if __name__ == "__main__":
    main(sys.argv[1])
