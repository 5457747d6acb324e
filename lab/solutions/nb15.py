"""Reference solutions for notebook 15 (Ethereum's state and consensus)."""
from lab.solutions import ModelAnswer
from lab.solutions.nb15_consensus import SOLUTIONS as CONSENSUS
from lab.solutions.nb15_consensus import find_faulty, justified_and_finalized
from lab.solutions.nb15_pool import SOLUTIONS as POOL
from lab.solutions.nb15_pool import block_order
from lab.solutions.nb15_trie import SOLUTIONS as TRIE
from lab.solutions.nb15_trie import follow_proof, member_slot

__all__ = ["MODEL_ANSWERS", "SOLUTIONS", "block_order", "find_faulty", "follow_proof",
           "justified_and_finalized", "member_slot"]

SOLUTIONS = {**TRIE, **CONSENSUS, **POOL}

MODEL_ANSWERS = {
    "15.Q1": ModelAnswer(
        points=4,
        answer=(
            "With five operators, Clique's signer limit is 5 // 2 + 1 = 3: the chain keeps running with up "
            "to "
            "two signers offline and stops with three, and a single rogue signer cannot seal more than one "
            "block in three, but Clique has no finality: a settled trade is only as safe as the number of "
            "blocks on top of it, and colluding signers could reorganise it. A BFT protocol (PBFT, QBFT) "
            "tolerates f = (5 - 1) // 3 = 1 faulty or lying operator, needs quorums of 2f + 1 = 3, and "
            "makes every committed block final at once, so a trade settled in a committed block cannot be "
            "reverted unless two operators (f + 1) collude or are compromised. A stolen key is one "
            "Byzantine operator: under BFT that is within f and harmless to safety; under Clique it lets "
            "the thief seal blocks in turn and try to fork. For settlement money the finality of BFT is "
            "worth its lower fault tolerance; seven operators would raise f to 2."
        ),
        marking=(
            "1 point: Clique's limit of 3 signers online for 5 (2 may fail) and its lack of finality; "
            "1 point: BFT's f = 1 and quorum 3 for 5 operators, with immediate finality; 1 point: the "
            "stolen key as one Byzantine operator, and what it can do under each; 1 point: a reasoned "
            "choice that weighs finality against fault tolerance"
        ),
    ),
}
