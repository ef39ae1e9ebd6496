"""The three built-in issuers keep the adapter contract, on their sample data."""

from __future__ import annotations

from datetime import date

from adapters.builtin.cbse import CbseAdapter
from adapters.builtin.pan.adapter import PanAdapter
from adapters.builtin.transport.adapter import TransportAdapter
from adapters.sdk import Gender, Identity
from adapters.sdk.contract import AdapterContract, ContractLookup

# Sandbox eKYC residents (services/identity/sandbox_residents.json), who hold
# records in the built-in issuers' sample data.
AARAV = Identity(name="Aarav Sharma", dob=date(2006, 3, 14), gender=Gender.MALE)
ROHAN = Identity(name="Rohan Mehta", dob=date(1998, 7, 21), gender=Gender.MALE)
SNEHA = Identity(name="Sneha Patil", dob=date(1995, 4, 11), gender=Gender.FEMALE)


class TestCbseContract(AdapterContract):
    adapter = CbseAdapter()
    examples = (
        ContractLookup("HSCER", {"rollNumber": "16612345", "year": "2024"}, AARAV),
        ContractLookup("SSCER", {"rollNumber": "11847203", "year": "2022"}, AARAV),
    )
    not_found = ContractLookup(
        "HSCER", {"rollNumber": "16699999", "year": "2024"}, AARAV
    )


class TestTransportContract(AdapterContract):
    adapter = TransportAdapter()
    examples = (
        ContractLookup(
            "DRVLC",
            {"licenceNumber": "MH12 2016 0012345", "dateOfBirth": "21-07-1998"},
            ROHAN,
        ),
        ContractLookup(
            "RVCER",
            {"registrationNumber": "MH12AB1234", "chassisLast5": "47319"},
            ROHAN,
        ),
    )
    not_found = ContractLookup(
        "DRVLC",
        {"licenceNumber": "MH12 2016 0099999", "dateOfBirth": "21-07-1998"},
        ROHAN,
    )


class TestPanContract(AdapterContract):
    adapter = PanAdapter()
    examples = (
        ContractLookup(
            "PANCR",
            {
                "pan": "DFWPP7730Q",
                "fullName": "Sneha Patil",
                "dateOfBirth": "11-04-1995",
            },
            SNEHA,
        ),
    )
    not_found = ContractLookup(
        "PANCR",
        {"pan": "AAAPZ1234C", "fullName": "Sneha Patil", "dateOfBirth": "11-04-1995"},
        SNEHA,
    )
