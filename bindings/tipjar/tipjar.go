// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package tipjar

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// TipJarMetaData contains all meta data concerning the TipJar contract.
var TipJarMetaData = bind.MetaData{
	ABI: "[{\"type\":\"function\",\"name\":\"PUSH_GAS\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"uint256\",\"internalType\":\"uint256\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"credits\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"}],\"outputs\":[{\"name\":\"\",\"type\":\"uint256\",\"internalType\":\"uint256\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"tip\",\"inputs\":[{\"name\":\"to\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"ref\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"}],\"outputs\":[],\"stateMutability\":\"payable\"},{\"type\":\"function\",\"name\":\"tipToken\",\"inputs\":[{\"name\":\"token\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"to\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"amount\",\"type\":\"uint256\",\"internalType\":\"uint256\"},{\"name\":\"ref\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"tipTokenWithPermit\",\"inputs\":[{\"name\":\"token\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"to\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"amount\",\"type\":\"uint256\",\"internalType\":\"uint256\"},{\"name\":\"ref\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"deadline\",\"type\":\"uint256\",\"internalType\":\"uint256\"},{\"name\":\"v\",\"type\":\"uint8\",\"internalType\":\"uint8\"},{\"name\":\"r\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"s\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"withdraw\",\"inputs\":[],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"withdrawTo\",\"inputs\":[{\"name\":\"to\",\"type\":\"address\",\"internalType\":\"addresspayable\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"event\",\"name\":\"Tipped\",\"inputs\":[{\"name\":\"from\",\"type\":\"address\",\"indexed\":true,\"internalType\":\"address\"},{\"name\":\"to\",\"type\":\"address\",\"indexed\":true,\"internalType\":\"address\"},{\"name\":\"ref\",\"type\":\"bytes32\",\"indexed\":true,\"internalType\":\"bytes32\"},{\"name\":\"token\",\"type\":\"address\",\"indexed\":false,\"internalType\":\"address\"},{\"name\":\"amount\",\"type\":\"uint256\",\"indexed\":false,\"internalType\":\"uint256\"},{\"name\":\"credited\",\"type\":\"bool\",\"indexed\":false,\"internalType\":\"bool\"}],\"anonymous\":false},{\"type\":\"event\",\"name\":\"Withdrawn\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"indexed\":true,\"internalType\":\"address\"},{\"name\":\"to\",\"type\":\"address\",\"indexed\":false,\"internalType\":\"address\"},{\"name\":\"amount\",\"type\":\"uint256\",\"indexed\":false,\"internalType\":\"uint256\"}],\"anonymous\":false},{\"type\":\"error\",\"name\":\"FailedCall\",\"inputs\":[]},{\"type\":\"error\",\"name\":\"InsufficientBalance\",\"inputs\":[{\"name\":\"balance\",\"type\":\"uint256\",\"internalType\":\"uint256\"},{\"name\":\"needed\",\"type\":\"uint256\",\"internalType\":\"uint256\"}]},{\"type\":\"error\",\"name\":\"InvalidReceiver\",\"inputs\":[{\"name\":\"to\",\"type\":\"address\",\"internalType\":\"address\"}]},{\"type\":\"error\",\"name\":\"NothingToWithdraw\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"}]},{\"type\":\"error\",\"name\":\"ReentrancyGuardReentrantCall\",\"inputs\":[]},{\"type\":\"error\",\"name\":\"SafeERC20FailedOperation\",\"inputs\":[{\"name\":\"token\",\"type\":\"address\",\"internalType\":\"address\"}]},{\"type\":\"error\",\"name\":\"ZeroAmount\",\"inputs\":[]}]",
	ID:  "TipJar",
	Bin: "0x6080604052348015600e575f5ffd5b50610a878061001c5f395ff3fe60806040526004361061006e575f3560e01c806372b0d90c1161004c57806372b0d90c146100ce578063d567a5a9146100ed578063fd91fd101461010c578063fe5ff4681461011f575f5ffd5b80631d68a8ff146100725780632b68f2a5146100935780633ccfd60b146100ba575b5f5ffd5b34801561007d575f5ffd5b5061009161008c36600461090a565b610160565b005b34801561009e575f5ffd5b506100a861753081565b60405190815260200160405180910390f35b3480156100c5575f5ffd5b50610091610227565b3480156100d9575f5ffd5b506100916100e8366004610984565b610242565b3480156100f8575f5ffd5b506100916101073660046109a6565b6102ea565b61009161011a3660046109e9565b61030c565b34801561012a575f5ffd5b506100a8610139366004610984565b73ffffffffffffffffffffffffffffffffffffffff165f9081526020819052604090205490565b610168610479565b6040517fd505accf000000000000000000000000000000000000000000000000000000008152336004820152306024820152604481018790526064810185905260ff8416608482015260a4810183905260c4810182905273ffffffffffffffffffffffffffffffffffffffff89169063d505accf9060e4015f604051808303815f87803b1580156101f7575f5ffd5b505af1925050508015610208575060015b50610215888888886104ae565b61021d6105f3565b5050505050505050565b61022f610479565b6102383361061d565b6102406105f3565b565b61024a610479565b73ffffffffffffffffffffffffffffffffffffffff81161580610282575073ffffffffffffffffffffffffffffffffffffffff811630145b156102d6576040517f9cfea58300000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff821660048201526024015b60405180910390fd5b6102df8161061d565b6102e76105f3565b50565b6102f2610479565b6102fe848484846104ae565b6103066105f3565b50505050565b345f03610345576040517f1f2a200500000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b73ffffffffffffffffffffffffffffffffffffffff8216158061037d575073ffffffffffffffffffffffffffffffffffffffff821630145b156103cc576040517f9cfea58300000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff831660048201526024016102cd565b5f5f5f5f5f3487617530f19050806104185773ffffffffffffffffffffffffffffffffffffffff83165f9081526020819052604081208054349290610412908490610a13565b90915550505b604080515f81523460208201528215818301529051839173ffffffffffffffffffffffffffffffffffffffff86169133917f9a3dda3630e6e992948d7164b00cb8cd64b1fefdee3f59d114efea7aaa976ac9919081900360600190a4505050565b6104816106d5565b61024060017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005b9061072e565b815f036104e7576040517f1f2a200500000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b73ffffffffffffffffffffffffffffffffffffffff8316158061051f575073ffffffffffffffffffffffffffffffffffffffff831630145b1561056e576040517f9cfea58300000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff841660048201526024016102cd565b61059073ffffffffffffffffffffffffffffffffffffffff8516338585610735565b6040805173ffffffffffffffffffffffffffffffffffffffff8681168252602082018590525f828401529151839286169133917f9a3dda3630e6e992948d7164b00cb8cd64b1fefdee3f59d114efea7aaa976ac99181900360600190a450505050565b6102405f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f006104a8565b335f9081526020819052604081205490819003610668576040517fdc69dc160000000000000000000000000000000000000000000000000000000081523360048201526024016102cd565b335f8181526020818152604080832092909255815173ffffffffffffffffffffffffffffffffffffffff861681529081018490527fd1c19fbcd4551a5edfb66d43d2e337c04837afda3482b42bdf569a8fccdae5fb910160405180910390a26106d18282610791565b5050565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c15610240576040517f3ee5aeb500000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b80825d5050565b610743848484846001610836565b610306576040517f5274afe700000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff851660048201526024016102cd565b804710156107d4576040517fcf479181000000000000000000000000000000000000000000000000000000008152476004820152602481018290526044016102cd565b6107ed828260405180602001604052805f8152506108c9565b156107f6575050565b3d15610804576106d16108de565b6040517fd6bda27500000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b6040517f23b872dd000000000000000000000000000000000000000000000000000000005f81815273ffffffffffffffffffffffffffffffffffffffff8781166004528616602452604485905291602083606481808c5af1925060015f511483166108b85783831516156108ac573d5f823e3d81fd5b5f883b113d1516831692505b604052505f60605295945050505050565b5f5f5f83516020850186885af1949350505050565b6040513d5f823e3d81fd5b73ffffffffffffffffffffffffffffffffffffffff811681146102e7575f5ffd5b5f5f5f5f5f5f5f5f610100898b031215610922575f5ffd5b883561092d816108e9565b9750602089013561093d816108e9565b965060408901359550606089013594506080890135935060a089013560ff81168114610967575f5ffd5b979a969950949793969295929450505060c08201359160e0013590565b5f60208284031215610994575f5ffd5b813561099f816108e9565b9392505050565b5f5f5f5f608085870312156109b9575f5ffd5b84356109c4816108e9565b935060208501356109d4816108e9565b93969395505050506040820135916060013590565b5f5f604083850312156109fa575f5ffd5b8235610a05816108e9565b946020939093013593505050565b80820180821115610a4b577f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b9291505056fea2646970667358221220bf4e2f08df9d14576b1a0790f49660d0595668aba10c9c8873eae3b61fc8533564736f6c634300081e0033",
}

// TipJar is an auto generated Go binding around an Ethereum contract.
type TipJar struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *TipJar) GetABI() abi.ABI {
	return c.abi
}

// NewTipJar creates a new instance of TipJar.
func NewTipJar() *TipJar {
	parsed, err := TipJarMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &TipJar{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *TipJar) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackPUSHGAS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2b68f2a5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function PUSH_GAS() view returns(uint256)
func (tipJar *TipJar) PackPUSHGAS() []byte {
	enc, err := tipJar.abi.Pack("PUSH_GAS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPUSHGAS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2b68f2a5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function PUSH_GAS() view returns(uint256)
func (tipJar *TipJar) TryPackPUSHGAS() ([]byte, error) {
	return tipJar.abi.Pack("PUSH_GAS")
}

// UnpackPUSHGAS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2b68f2a5.
//
// Solidity: function PUSH_GAS() view returns(uint256)
func (tipJar *TipJar) UnpackPUSHGAS(data []byte) (*big.Int, error) {
	out, err := tipJar.abi.Unpack("PUSH_GAS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCredits is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfe5ff468.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function credits(address account) view returns(uint256)
func (tipJar *TipJar) PackCredits(account common.Address) []byte {
	enc, err := tipJar.abi.Pack("credits", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCredits is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfe5ff468.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function credits(address account) view returns(uint256)
func (tipJar *TipJar) TryPackCredits(account common.Address) ([]byte, error) {
	return tipJar.abi.Pack("credits", account)
}

// UnpackCredits is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfe5ff468.
//
// Solidity: function credits(address account) view returns(uint256)
func (tipJar *TipJar) UnpackCredits(data []byte) (*big.Int, error) {
	out, err := tipJar.abi.Unpack("credits", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTip is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfd91fd10.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function tip(address to, bytes32 ref) payable returns()
func (tipJar *TipJar) PackTip(to common.Address, ref [32]byte) []byte {
	enc, err := tipJar.abi.Pack("tip", to, ref)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTip is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfd91fd10.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function tip(address to, bytes32 ref) payable returns()
func (tipJar *TipJar) TryPackTip(to common.Address, ref [32]byte) ([]byte, error) {
	return tipJar.abi.Pack("tip", to, ref)
}

// PackTipToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd567a5a9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function tipToken(address token, address to, uint256 amount, bytes32 ref) returns()
func (tipJar *TipJar) PackTipToken(token common.Address, to common.Address, amount *big.Int, ref [32]byte) []byte {
	enc, err := tipJar.abi.Pack("tipToken", token, to, amount, ref)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTipToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd567a5a9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function tipToken(address token, address to, uint256 amount, bytes32 ref) returns()
func (tipJar *TipJar) TryPackTipToken(token common.Address, to common.Address, amount *big.Int, ref [32]byte) ([]byte, error) {
	return tipJar.abi.Pack("tipToken", token, to, amount, ref)
}

// PackTipTokenWithPermit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1d68a8ff.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function tipTokenWithPermit(address token, address to, uint256 amount, bytes32 ref, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns()
func (tipJar *TipJar) PackTipTokenWithPermit(token common.Address, to common.Address, amount *big.Int, ref [32]byte, deadline *big.Int, v uint8, r [32]byte, s [32]byte) []byte {
	enc, err := tipJar.abi.Pack("tipTokenWithPermit", token, to, amount, ref, deadline, v, r, s)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTipTokenWithPermit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1d68a8ff.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function tipTokenWithPermit(address token, address to, uint256 amount, bytes32 ref, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns()
func (tipJar *TipJar) TryPackTipTokenWithPermit(token common.Address, to common.Address, amount *big.Int, ref [32]byte, deadline *big.Int, v uint8, r [32]byte, s [32]byte) ([]byte, error) {
	return tipJar.abi.Pack("tipTokenWithPermit", token, to, amount, ref, deadline, v, r, s)
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3ccfd60b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw() returns()
func (tipJar *TipJar) PackWithdraw() []byte {
	enc, err := tipJar.abi.Pack("withdraw")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3ccfd60b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw() returns()
func (tipJar *TipJar) TryPackWithdraw() ([]byte, error) {
	return tipJar.abi.Pack("withdraw")
}

// PackWithdrawTo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x72b0d90c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawTo(address to) returns()
func (tipJar *TipJar) PackWithdrawTo(to common.Address) []byte {
	enc, err := tipJar.abi.Pack("withdrawTo", to)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawTo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x72b0d90c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawTo(address to) returns()
func (tipJar *TipJar) TryPackWithdrawTo(to common.Address) ([]byte, error) {
	return tipJar.abi.Pack("withdrawTo", to)
}

// TipJarTipped represents a Tipped event raised by the TipJar contract.
type TipJarTipped struct {
	From     common.Address
	To       common.Address
	Ref      [32]byte
	Token    common.Address
	Amount   *big.Int
	Credited bool
	Raw      *types.Log // Blockchain specific contextual infos
}

const TipJarTippedEventName = "Tipped"

// ContractEventName returns the user-defined event name.
func (TipJarTipped) ContractEventName() string {
	return TipJarTippedEventName
}

// UnpackTippedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Tipped(address indexed from, address indexed to, bytes32 indexed ref, address token, uint256 amount, bool credited)
func (tipJar *TipJar) UnpackTippedEvent(log *types.Log) (*TipJarTipped, error) {
	event := "Tipped"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != tipJar.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(TipJarTipped)
	if len(log.Data) > 0 {
		if err := tipJar.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range tipJar.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// TipJarWithdrawn represents a Withdrawn event raised by the TipJar contract.
type TipJarWithdrawn struct {
	Account common.Address
	To      common.Address
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const TipJarWithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (TipJarWithdrawn) ContractEventName() string {
	return TipJarWithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(address indexed account, address to, uint256 amount)
func (tipJar *TipJar) UnpackWithdrawnEvent(log *types.Log) (*TipJarWithdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != tipJar.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(TipJarWithdrawn)
	if len(log.Data) > 0 {
		if err := tipJar.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range tipJar.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (tipJar *TipJar) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], tipJar.abi.Errors["FailedCall"].ID.Bytes()[:4]) {
		return tipJar.UnpackFailedCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], tipJar.abi.Errors["InsufficientBalance"].ID.Bytes()[:4]) {
		return tipJar.UnpackInsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], tipJar.abi.Errors["InvalidReceiver"].ID.Bytes()[:4]) {
		return tipJar.UnpackInvalidReceiverError(raw[4:])
	}
	if bytes.Equal(raw[:4], tipJar.abi.Errors["NothingToWithdraw"].ID.Bytes()[:4]) {
		return tipJar.UnpackNothingToWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], tipJar.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return tipJar.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], tipJar.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return tipJar.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], tipJar.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return tipJar.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// TipJarFailedCall represents a FailedCall error raised by the TipJar contract.
type TipJarFailedCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error FailedCall()
func TipJarFailedCallErrorID() common.Hash {
	return common.HexToHash("0xd6bda27508c0fb6d8a39b4b122878dab26f731a7d4e4abe711dd3731899052a4")
}

// UnpackFailedCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error FailedCall()
func (tipJar *TipJar) UnpackFailedCallError(raw []byte) (*TipJarFailedCall, error) {
	out := new(TipJarFailedCall)
	if err := tipJar.abi.UnpackIntoInterface(out, "FailedCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TipJarInsufficientBalance represents a InsufficientBalance error raised by the TipJar contract.
type TipJarInsufficientBalance struct {
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientBalance(uint256 balance, uint256 needed)
func TipJarInsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xcf4791818fba6e019216eb4864093b4947f674afada5d305e57d598b641dad1d")
}

// UnpackInsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientBalance(uint256 balance, uint256 needed)
func (tipJar *TipJar) UnpackInsufficientBalanceError(raw []byte) (*TipJarInsufficientBalance, error) {
	out := new(TipJarInsufficientBalance)
	if err := tipJar.abi.UnpackIntoInterface(out, "InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TipJarInvalidReceiver represents a InvalidReceiver error raised by the TipJar contract.
type TipJarInvalidReceiver struct {
	To common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidReceiver(address to)
func TipJarInvalidReceiverErrorID() common.Hash {
	return common.HexToHash("0x9cfea583c76d990ae2594f1fa87255c0a172ec8bbdaef2992c80c51b9ed3f677")
}

// UnpackInvalidReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidReceiver(address to)
func (tipJar *TipJar) UnpackInvalidReceiverError(raw []byte) (*TipJarInvalidReceiver, error) {
	out := new(TipJarInvalidReceiver)
	if err := tipJar.abi.UnpackIntoInterface(out, "InvalidReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TipJarNothingToWithdraw represents a NothingToWithdraw error raised by the TipJar contract.
type TipJarNothingToWithdraw struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToWithdraw(address account)
func TipJarNothingToWithdrawErrorID() common.Hash {
	return common.HexToHash("0xdc69dc16e4a8405b44139edda9a06ee66b303337358b6f4633533d65de15b7f4")
}

// UnpackNothingToWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToWithdraw(address account)
func (tipJar *TipJar) UnpackNothingToWithdrawError(raw []byte) (*TipJarNothingToWithdraw, error) {
	out := new(TipJarNothingToWithdraw)
	if err := tipJar.abi.UnpackIntoInterface(out, "NothingToWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TipJarReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the TipJar contract.
type TipJarReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func TipJarReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (tipJar *TipJar) UnpackReentrancyGuardReentrantCallError(raw []byte) (*TipJarReentrancyGuardReentrantCall, error) {
	out := new(TipJarReentrancyGuardReentrantCall)
	if err := tipJar.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TipJarSafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the TipJar contract.
type TipJarSafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func TipJarSafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (tipJar *TipJar) UnpackSafeERC20FailedOperationError(raw []byte) (*TipJarSafeERC20FailedOperation, error) {
	out := new(TipJarSafeERC20FailedOperation)
	if err := tipJar.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TipJarZeroAmount represents a ZeroAmount error raised by the TipJar contract.
type TipJarZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func TipJarZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (tipJar *TipJar) UnpackZeroAmountError(raw []byte) (*TipJarZeroAmount, error) {
	out := new(TipJarZeroAmount)
	if err := tipJar.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
