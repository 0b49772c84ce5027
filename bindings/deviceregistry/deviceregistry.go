// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package deviceregistry

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

// IDeviceRegistryDeviceInfo is an auto generated low-level Go binding around an user-defined struct.
type IDeviceRegistryDeviceInfo struct {
	DeviceId        uint32
	SigningKey      [32]byte
	KeyAgreementKey [32]byte
	Suite           uint8
}

// DeviceRegistryMetaData contains all meta data concerning the DeviceRegistry contract.
var DeviceRegistryMetaData = bind.MetaData{
	ABI: "[{\"type\":\"constructor\",\"inputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"ADD_DEVICE_TYPEHASH\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"DEVICE_SIG_LENGTH\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"uint256\",\"internalType\":\"uint256\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"DOMAIN_SEPARATOR\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"MAX_ACTIVE_DEVICES\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"uint32\",\"internalType\":\"uint32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"MAX_PAGE_SCAN\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"uint32\",\"internalType\":\"uint32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"REVOKE_DEVICE_TYPEHASH\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"ROTATE_KEY_AGREEMENT_KEY_TYPEHASH\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"SUITE_ED25519_X25519\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"uint8\",\"internalType\":\"uint8\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"SUITE_ED25519_XWING\",\"inputs\":[],\"outputs\":[{\"name\":\"\",\"type\":\"uint8\",\"internalType\":\"uint8\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"activeDeviceCount\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"}],\"outputs\":[{\"name\":\"\",\"type\":\"uint32\",\"internalType\":\"uint32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"activeDevices\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"cursor\",\"type\":\"uint32\",\"internalType\":\"uint32\"},{\"name\":\"limit\",\"type\":\"uint32\",\"internalType\":\"uint32\"}],\"outputs\":[{\"name\":\"devices\",\"type\":\"tuple[]\",\"internalType\":\"structIDeviceRegistry.DeviceInfo[]\",\"components\":[{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"},{\"name\":\"signingKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"keyAgreementKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"suite\",\"type\":\"uint8\",\"internalType\":\"uint8\"}]},{\"name\":\"nextCursor\",\"type\":\"uint32\",\"internalType\":\"uint32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"addDevice\",\"inputs\":[{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"},{\"name\":\"signingKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"keyAgreementKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"suite\",\"type\":\"uint8\",\"internalType\":\"uint8\"},{\"name\":\"deviceSig\",\"type\":\"bytes\",\"internalType\":\"bytes\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"addDeviceFor\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"},{\"name\":\"signingKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"keyAgreementKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"suite\",\"type\":\"uint8\",\"internalType\":\"uint8\"},{\"name\":\"deviceSig\",\"type\":\"bytes\",\"internalType\":\"bytes\"},{\"name\":\"deadline\",\"type\":\"uint256\",\"internalType\":\"uint256\"},{\"name\":\"accountSig\",\"type\":\"bytes\",\"internalType\":\"bytes\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"device\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"}],\"outputs\":[{\"name\":\"signingKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"keyAgreementKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"suite\",\"type\":\"uint8\",\"internalType\":\"uint8\"},{\"name\":\"active\",\"type\":\"bool\",\"internalType\":\"bool\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"eip712Domain\",\"inputs\":[],\"outputs\":[{\"name\":\"fields\",\"type\":\"bytes1\",\"internalType\":\"bytes1\"},{\"name\":\"name\",\"type\":\"string\",\"internalType\":\"string\"},{\"name\":\"version\",\"type\":\"string\",\"internalType\":\"string\"},{\"name\":\"chainId\",\"type\":\"uint256\",\"internalType\":\"uint256\"},{\"name\":\"verifyingContract\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"salt\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"extensions\",\"type\":\"uint256[]\",\"internalType\":\"uint256[]\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"nextDeviceId\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"}],\"outputs\":[{\"name\":\"\",\"type\":\"uint32\",\"internalType\":\"uint32\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"nonces\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"}],\"outputs\":[{\"name\":\"\",\"type\":\"uint256\",\"internalType\":\"uint256\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"revokeDevice\",\"inputs\":[{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"revokeDeviceFor\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"},{\"name\":\"deadline\",\"type\":\"uint256\",\"internalType\":\"uint256\"},{\"name\":\"accountSig\",\"type\":\"bytes\",\"internalType\":\"bytes\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"rotateKeyAgreementKey\",\"inputs\":[{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"},{\"name\":\"keyAgreementKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"deviceSig\",\"type\":\"bytes\",\"internalType\":\"bytes\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"rotateKeyAgreementKeyFor\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"},{\"name\":\"keyAgreementKey\",\"type\":\"bytes32\",\"internalType\":\"bytes32\"},{\"name\":\"deviceSig\",\"type\":\"bytes\",\"internalType\":\"bytes\"},{\"name\":\"deadline\",\"type\":\"uint256\",\"internalType\":\"uint256\"},{\"name\":\"accountSig\",\"type\":\"bytes\",\"internalType\":\"bytes\"}],\"outputs\":[],\"stateMutability\":\"nonpayable\"},{\"type\":\"function\",\"name\":\"sequence\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"}],\"outputs\":[{\"name\":\"\",\"type\":\"uint64\",\"internalType\":\"uint64\"}],\"stateMutability\":\"view\"},{\"type\":\"function\",\"name\":\"useNonce\",\"inputs\":[],\"outputs\":[{\"name\":\"nonce\",\"type\":\"uint256\",\"internalType\":\"uint256\"}],\"stateMutability\":\"nonpayable\"},{\"type\":\"event\",\"name\":\"DeviceAdded\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"indexed\":true,\"internalType\":\"address\"},{\"name\":\"deviceId\",\"type\":\"uint32\",\"indexed\":true,\"internalType\":\"uint32\"},{\"name\":\"signingKey\",\"type\":\"bytes32\",\"indexed\":false,\"internalType\":\"bytes32\"},{\"name\":\"keyAgreementKey\",\"type\":\"bytes32\",\"indexed\":false,\"internalType\":\"bytes32\"},{\"name\":\"suite\",\"type\":\"uint8\",\"indexed\":false,\"internalType\":\"uint8\"},{\"name\":\"seq\",\"type\":\"uint64\",\"indexed\":false,\"internalType\":\"uint64\"},{\"name\":\"deviceSig\",\"type\":\"bytes\",\"indexed\":false,\"internalType\":\"bytes\"}],\"anonymous\":false},{\"type\":\"event\",\"name\":\"DeviceRevoked\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"indexed\":true,\"internalType\":\"address\"},{\"name\":\"deviceId\",\"type\":\"uint32\",\"indexed\":true,\"internalType\":\"uint32\"},{\"name\":\"seq\",\"type\":\"uint64\",\"indexed\":false,\"internalType\":\"uint64\"}],\"anonymous\":false},{\"type\":\"event\",\"name\":\"EIP712DomainChanged\",\"inputs\":[],\"anonymous\":false},{\"type\":\"event\",\"name\":\"KeyAgreementKeyRotated\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"indexed\":true,\"internalType\":\"address\"},{\"name\":\"deviceId\",\"type\":\"uint32\",\"indexed\":true,\"internalType\":\"uint32\"},{\"name\":\"keyAgreementKey\",\"type\":\"bytes32\",\"indexed\":false,\"internalType\":\"bytes32\"},{\"name\":\"seq\",\"type\":\"uint64\",\"indexed\":false,\"internalType\":\"uint64\"},{\"name\":\"deviceSig\",\"type\":\"bytes\",\"indexed\":false,\"internalType\":\"bytes\"}],\"anonymous\":false},{\"type\":\"event\",\"name\":\"NonceUsed\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"indexed\":true,\"internalType\":\"address\"},{\"name\":\"nonce\",\"type\":\"uint256\",\"indexed\":false,\"internalType\":\"uint256\"}],\"anonymous\":false},{\"type\":\"error\",\"name\":\"DeviceNotActive\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"},{\"name\":\"deviceId\",\"type\":\"uint32\",\"internalType\":\"uint32\"}]},{\"type\":\"error\",\"name\":\"InvalidDeviceSignatureLength\",\"inputs\":[{\"name\":\"length\",\"type\":\"uint256\",\"internalType\":\"uint256\"}]},{\"type\":\"error\",\"name\":\"InvalidShortString\",\"inputs\":[]},{\"type\":\"error\",\"name\":\"InvalidSignature\",\"inputs\":[{\"name\":\"account\",\"type\":\"address\",\"internalType\":\"address\"}]},{\"type\":\"error\",\"name\":\"SignatureExpired\",\"inputs\":[{\"name\":\"deadline\",\"type\":\"uint256\",\"internalType\":\"uint256\"}]},{\"type\":\"error\",\"name\":\"StringTooLong\",\"inputs\":[{\"name\":\"str\",\"type\":\"string\",\"internalType\":\"string\"}]},{\"type\":\"error\",\"name\":\"TooManyActiveDevices\",\"inputs\":[{\"name\":\"max\",\"type\":\"uint32\",\"internalType\":\"uint32\"}]},{\"type\":\"error\",\"name\":\"UnexpectedDeviceId\",\"inputs\":[{\"name\":\"expected\",\"type\":\"uint32\",\"internalType\":\"uint32\"},{\"name\":\"given\",\"type\":\"uint32\",\"internalType\":\"uint32\"}]},{\"type\":\"error\",\"name\":\"UnsupportedSuite\",\"inputs\":[{\"name\":\"suite\",\"type\":\"uint8\",\"internalType\":\"uint8\"}]},{\"type\":\"error\",\"name\":\"ZeroKey\",\"inputs\":[]}]",
	ID:  "DeviceRegistry",
	Bin: "0x610160604052348015610010575f5ffd5b506040518060400160405280601581526020017f5061726c65792044657669636552656769737472790000000000000000000000815250604051806040016040528060018152602001603160f81b8152506100708261011760201b60201c565b6101205261007d81610117565b61014052815160208084019190912060e052815190820120610100524660a05261010960e05161010051604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201529081019290925260608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60805250503060c0526101b8565b5f5f829050601f8151111561014a578260405163305a27a960e01b8152600401610141919061015d565b60405180910390fd5b805161015582610192565b179392505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b805160208083015191908110156101b2575f198160200360031b1b821691505b50919050565b60805160a05160c05160e0516101005161012051610140516123626102095f395f61137f01525f61135401525f610eea01525f610ec201525f610e1d01525f610e4701525f610e7101526123625ff3fe608060405234801561000f575f5ffd5b5060043610610184575f3560e01c80637ecebe00116100dd578063a8b6a0f611610088578063c1501e3711610063578063c1501e3714610432578063e5bb0e8814610445578063f986de3d14610458575f5ffd5b8063a8b6a0f6146103e5578063afcc1a9d146103f8578063b89878db1461041f575f5ffd5b80638fe68754116100b85780638fe687541461038c57806395ea4514146103ca578063a26248cc146103d2575f5ffd5b80637ecebe001461031557806384b0196e1461036857806385a5ec5c14610383575f5ffd5b8063451d27311161013d578063642a204d11610118578063642a204d146102eb57806369615a4c146103055780637adc25311461030d575f5ffd5b8063451d2731146102645780634988e1691461026c57806350c760a514610293575f5ffd5b80631bd5092b1161016d5780631bd5092b146102265780633644e515146102475780633d65bff91461024f575f5ffd5b80630e80fd26146101885780631bb1ddfe146101f1575b5f5ffd5b6101d3610196366004611c04565b73ffffffffffffffffffffffffffffffffffffffff165f9081526002602052604090205468010000000000000000900467ffffffffffffffff1690565b60405167ffffffffffffffff90911681526020015b60405180910390f35b6102187fa51830184476a79766d641883f6bda4febb672cd7e7114a9636db77b3c8d615681565b6040519081526020016101e8565b610239610234366004611c37565b61046b565b6040516101e8929190611c77565b61021861067d565b61026261025d366004611d4b565b61068b565b005b610218604081565b6102187fe21ab7af3a06c134d7b409f89b848d1bc0a4aa2ad8f725d7341321989d4e394d81565b6102d66102a1366004611c04565b73ffffffffffffffffffffffffffffffffffffffff165f90815260026020526040902054640100000000900463ffffffff1690565b60405163ffffffff90911681526020016101e8565b6102f3600281565b60405160ff90911681526020016101e8565b610218610714565b6102f3600181565b610218610323366004611c04565b73ffffffffffffffffffffffffffffffffffffffff165f90815260026020526040902054700100000000000000000000000000000000900467ffffffffffffffff1690565b6103706107ba565b6040516101e89796959493929190611e0a565b6102d661040081565b61039f61039a366004611ec9565b610818565b6040516101e89493929190938452602084019290925260ff1660408301521515606082015260800190565b6102d6604081565b6102626103e0366004611efa565b61087c565b6102626103f3366004611f50565b610901565b6102187fd0fdca2f8eb686fca7471742655d099fd7ab6d30b38483364a181c3bcfcc01a081565b6102d661042d366004611c04565b610a83565b61026261044036600461200f565b610abf565b610262610453366004612079565b610bc8565b610262610466366004612092565b610c47565b73ffffffffffffffffffffffffffffffffffffffff83165f908152600260205260408120546060919063ffffffff9081169082908616156104ac57856104af565b60015b90505f604063ffffffff8716106104c75760406104c9565b855b90508063ffffffff1667ffffffffffffffff8111156104ea576104ea612134565b60405190808252806020026020018201604052801561055957816020015b604080516080810182525f8082526020808301829052928201819052606082015282527fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9092019101816105085790505b5094505f5f5b8463ffffffff168463ffffffff161115801561058057508263ffffffff1682105b801561058d575061040081105b1561064f5773ffffffffffffffffffffffffffffffffffffffff8a165f90815260036020908152604080832063ffffffff881684529091529020600181015480156106325760405180608001604052808763ffffffff168152602001835f015481526020018281526020016106028e89610db4565b60ff1681525089858151811061061a5761061a612161565b60200260200101819052508361062f906121bb565b93505b61063b866121f2565b9550610646836121bb565b9250505061055f565b8463ffffffff168463ffffffff161115610669575f61066b565b835b95508187525050505050935093915050565b5f610686610e04565b905090565b335f818152600260209081526040918290208251608081018452905463ffffffff80821683526401000000008204169282019290925267ffffffffffffffff680100000000000000008304811693820193909352700100000000000000000000000000000000909104909116606082015261070c9190888888888888610f3a565b505050505050565b335f81815260026020526040908190208054600167ffffffffffffffff7001000000000000000000000000000000008084048216928301909116027fffffffffffffffff0000000000000000ffffffffffffffffffffffffffffffff9092169190911782559151919290917f2af71f10069c28afc67c3752e87e0e4616a97948d33c8f404a856c0c334b3e01906107ae9085815260200190565b60405180910390a25090565b5f6060805f5f5f60606107cb61134d565b6107d3611378565b604080515f808252602082019092527f0f000000000000000000000000000000000000000000000000000000000000009b939a50919850469750309650945092509050565b73ffffffffffffffffffffffffffffffffffffffff82165f90815260036020908152604080832063ffffffff85168452909152812080546001820154909290918190841561086d5761086a8787610db4565b92505b50929591945092508315159150565b335f818152600260209081526040918290208251608081018452905463ffffffff80821683526401000000008204169282019290925267ffffffffffffffff68010000000000000000830481169382019390935270010000000000000000000000000000000090910490911660608201526108fb9190868686866113a3565b50505050565b73ffffffffffffffffffffffffffffffffffffffff8a165f9081526002602090815260408083208151608081018352905463ffffffff80821683526401000000008204169382019390935267ffffffffffffffff6801000000000000000084048116828401527001000000000000000000000000000000009093049092166060830152519091907fe21ab7af3a06c134d7b409f89b848d1bc0a4aa2ad8f725d7341321989d4e394d908d908d908d908d908d906109c1908e908e90612216565b6040805191829003822060608b810151602085019a909a5273ffffffffffffffffffffffffffffffffffffffff9098169183019190915263ffffffff90951695810195909552608085019290925260a084015260ff1660c083015260e082015267ffffffffffffffff909116610100820152610120810186905261014001604051602081830303815290604052805190602001209050610a658c8383888888611602565b610a758c838d8d8d8d8d8d610f3a565b505050505050505050505050565b73ffffffffffffffffffffffffffffffffffffffff81165f90815260026020526040812054610ab99063ffffffff166001612225565b92915050565b73ffffffffffffffffffffffffffffffffffffffff85165f818152600260209081526040808320815160808082018452915463ffffffff8082168352640100000000820481168387015267ffffffffffffffff680100000000000000008304811684870152700100000000000000000000000000000000909204909116606080840182905285517fa51830184476a79766d641883f6bda4febb672cd7e7114a9636db77b3c8d615697810197909752948601979097528a169284019290925282019390935260a0810186905260c001604051602081830303815290604052805190602001209050610bb4878383888888611602565b610bbf8783886116bc565b50505050505050565b335f818152600260209081526040918290208251608081018452905463ffffffff80821683526401000000008204169282019290925267ffffffffffffffff6801000000000000000083048116938201939093527001000000000000000000000000000000009091049091166060820152610c449190836116bc565b50565b73ffffffffffffffffffffffffffffffffffffffff88165f9081526002602090815260408083208151608081018352905463ffffffff80821683526401000000008204169382019390935267ffffffffffffffff6801000000000000000084048116828401527001000000000000000000000000000000009093049092166060830152519091907fd0fdca2f8eb686fca7471742655d099fd7ab6d30b38483364a181c3bcfcc01a0908b908b908b90610d03908c908c90612216565b6040519081900381206060880151610d7496959493928c9060200196875273ffffffffffffffffffffffffffffffffffffffff95909516602087015263ffffffff9390931660408601526060850191909152608084015267ffffffffffffffff1660a083015260c082015260e00190565b604051602081830303815290604052805190602001209050610d9a8a8383888888611602565b610da88a838b8b8b8b6113a3565b50505050505050505050565b73ffffffffffffffffffffffffffffffffffffffff82165f90815260046020908152604080832063ffffffff8516845290915281205460ff168015610df95780610dfc565b60015b949350505050565b5f3073ffffffffffffffffffffffffffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016148015610e6957507f000000000000000000000000000000000000000000000000000000000000000046145b15610e9357507f000000000000000000000000000000000000000000000000000000000000000090565b610686604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f0000000000000000000000000000000000000000000000000000000000000000918101919091527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b86515f90610f49906001612225565b90508063ffffffff168763ffffffff1614610fa5576040517f914671b600000000000000000000000000000000000000000000000000000000815263ffffffff8083166004830152881660248201526044015b60405180910390fd5b851580610fb0575084155b15610fe7576040517ffbd849c600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60408214611024576040517f0c8120e600000000000000000000000000000000000000000000000000000000815260048101839052602401610f9c565b604063ffffffff16886020015163ffffffff161061107357604080517fe669ef030000000000000000000000000000000000000000000000000000000081526004810191909152602401610f9c565b60ff84166001146111215760ff84166002146110c0576040517f5411869f00000000000000000000000000000000000000000000000000000000815260ff85166004820152602401610f9c565b73ffffffffffffffffffffffffffffffffffffffff89165f90815260046020908152604080832063ffffffff8b168452909152902080547fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff001660ff86161790555b60405180604001604052808781526020018681525060035f8b73ffffffffffffffffffffffffffffffffffffffff1673ffffffffffffffffffffffffffffffffffffffff1681526020019081526020015f205f8963ffffffff1663ffffffff1681526020019081526020015f205f820151815f01556020820151816001015590505080885f019063ffffffff16908163ffffffff168152505087602001805160010163ffffffff16908163ffffffff168152505087604001805160010167ffffffffffffffff16908167ffffffffffffffff16815250508760025f8b73ffffffffffffffffffffffffffffffffffffffff1673ffffffffffffffffffffffffffffffffffffffff1681526020019081526020015f205f820151815f015f6101000a81548163ffffffff021916908363ffffffff1602179055506020820151815f0160046101000a81548163ffffffff021916908363ffffffff1602179055506040820151815f0160086101000a81548167ffffffffffffffff021916908367ffffffffffffffff1602179055506060820151815f0160106101000a81548167ffffffffffffffff021916908367ffffffffffffffff1602179055509050508663ffffffff168973ffffffffffffffffffffffffffffffffffffffff167fcb5f0f17f7b7271a0ea0e38328504cdac2ea5fe3de14695d11a12d02e0b99f918888888d60400151898960405161133a96959493929190612288565b60405180910390a3505050505050505050565b60606106867f00000000000000000000000000000000000000000000000000000000000000006118c0565b60606106867f00000000000000000000000000000000000000000000000000000000000000006118c0565b5f8390036113dd576040517ffbd849c600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b6040811461141a576040517f0c8120e600000000000000000000000000000000000000000000000000000000815260048101829052602401610f9c565b73ffffffffffffffffffffffffffffffffffffffff86165f90815260036020908152604080832063ffffffff88168452909152812060018101549091036114b1576040517fbf4e197800000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff8816600482015263ffffffff86166024820152604401610f9c565b60018082018590556040808801805167ffffffffffffffff93018316815273ffffffffffffffffffffffffffffffffffffffff8a165f81815260026020908152908490208b518154928d0151945160608e01518816700100000000000000000000000000000000027fffffffffffffffff0000000000000000ffffffffffffffffffffffffffffffff9882166801000000000000000002989098167fffffffffffffffff00000000000000000000000000000000ffffffffffffffff63ffffffff978816640100000000027fffffffffffffffffffffffffffffffffffffffffffffffff000000000000000090961693881693909317949094179190911692909217959095179094559151908816927f833f078100f6d89f179ea4ad1d0687990868049f51d455e17dc989449cb77606916115f1918991899089906122cc565b60405180910390a350505050505050565b8242111561163f576040517fcd21db4f00000000000000000000000000000000000000000000000000000000815260048101849052602401610f9c565b6116538661164c866118fd565b8484611944565b6116a1576040517fd855c4f400000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff87166004820152602401610f9c565b50505050606001805160010167ffffffffffffffff16905250565b73ffffffffffffffffffffffffffffffffffffffff83165f90815260036020908152604080832063ffffffff8516845290915281206001810154909103611753576040517fbf4e197800000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff8516600482015263ffffffff83166024820152604401610f9c565b5f6001828101829055602085810180517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0163ffffffff90811682526040808901805190950167ffffffffffffffff908116865273ffffffffffffffffffffffffffffffffffffffff8b1680885260028652968290208a5181549551975160608d01519186167fffffffffffffffffffffffffffffffffffffffffffffffff00000000000000009097169690961764010000000098861698909802979097177fffffffffffffffff00000000000000000000000000000000ffffffffffffffff16680100000000000000009583169586027fffffffffffffffff0000000000000000ffffffffffffffffffffffffffffffff1617700100000000000000000000000000000000979092169690960217909455925190815291851692917f2074c5ed19c95489f06fcadb493270ae21f3ca0247f1a3cbbdd3a0ff67c6e228910160405180910390a350505050565b60605f6118cc836119df565b6040805160208082528183019092529192505f91906020820181803683375050509182525060208101929092525090565b5f610ab9611909610e04565b836040517f19010000000000000000000000000000000000000000000000000000000000008152600281019290925260228201526042902090565b5f8473ffffffffffffffffffffffffffffffffffffffff163b5f036119ca575f5f611970868686611a1f565b5090925090505f816003811115611989576119896122ff565b1480156119c157508673ffffffffffffffffffffffffffffffffffffffff168273ffffffffffffffffffffffffffffffffffffffff16145b92505050610dfc565b6119d685858585611a66565b95945050505050565b5f60ff8216601f811115610ab9576040517fb3512b0c00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b5f80806041849003611a53578435602086013560408701355f1a611a4589828585611ae9565b955095509550505050611a5d565b505f915060029050825b93509350939050565b604080517f1626ba7e00000000000000000000000000000000000000000000000000000000808252600482018690526024820192909252604481018390525f91908390818660648301375f82606483010152601f820160051c60051b915060205f60648401838b5afa9050825f5114601f3d111681169350505050949350505050565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841115611b2257505f91506003905082611bd2565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa158015611b73573d5f5f3e3d5ffd5b50506040517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0015191505073ffffffffffffffffffffffffffffffffffffffff8116611bc957505f925060019150829050611bd2565b92505f91508190505b9450945094915050565b803573ffffffffffffffffffffffffffffffffffffffff81168114611bff575f5ffd5b919050565b5f60208284031215611c14575f5ffd5b611c1d82611bdc565b9392505050565b803563ffffffff81168114611bff575f5ffd5b5f5f5f60608486031215611c49575f5ffd5b611c5284611bdc565b9250611c6060208501611c24565b9150611c6e60408501611c24565b90509250925092565b604080825283519082018190525f9060208501906060840190835b81811015611cdf57835163ffffffff8151168452602081015160208501526040810151604085015260ff606082015116606085015250608083019250602084019350600181019050611c92565b505063ffffffff851660208501529150611c1d9050565b803560ff81168114611bff575f5ffd5b5f5f83601f840112611d16575f5ffd5b50813567ffffffffffffffff811115611d2d575f5ffd5b602083019150836020828501011115611d44575f5ffd5b9250929050565b5f5f5f5f5f5f60a08789031215611d60575f5ffd5b611d6987611c24565b95506020870135945060408701359350611d8560608801611cf6565b9250608087013567ffffffffffffffff811115611da0575f5ffd5b611dac89828a01611d06565b979a9699509497509295939492505050565b5f81518084528060208401602086015e5f6020828601015260207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f83011685010191505092915050565b7fff000000000000000000000000000000000000000000000000000000000000008816815260e060208201525f611e4460e0830189611dbe565b8281036040840152611e568189611dbe565b6060840188905273ffffffffffffffffffffffffffffffffffffffff8716608085015260a0840186905283810360c0850152845180825260208087019350909101905f5b81811015611eb8578351835260209384019390920191600101611e9a565b50909b9a5050505050505050505050565b5f5f60408385031215611eda575f5ffd5b611ee383611bdc565b9150611ef160208401611c24565b90509250929050565b5f5f5f5f60608587031215611f0d575f5ffd5b611f1685611c24565b935060208501359250604085013567ffffffffffffffff811115611f38575f5ffd5b611f4487828801611d06565b95989497509550505050565b5f5f5f5f5f5f5f5f5f5f6101008b8d031215611f6a575f5ffd5b611f738b611bdc565b9950611f8160208c01611c24565b985060408b0135975060608b01359650611f9d60808c01611cf6565b955060a08b013567ffffffffffffffff811115611fb8575f5ffd5b611fc48d828e01611d06565b90965094505060c08b0135925060e08b013567ffffffffffffffff811115611fea575f5ffd5b611ff68d828e01611d06565b915080935050809150509295989b9194979a5092959850565b5f5f5f5f5f60808688031215612023575f5ffd5b61202c86611bdc565b945061203a60208701611c24565b935060408601359250606086013567ffffffffffffffff81111561205c575f5ffd5b61206888828901611d06565b969995985093965092949392505050565b5f60208284031215612089575f5ffd5b611c1d82611c24565b5f5f5f5f5f5f5f5f60c0898b0312156120a9575f5ffd5b6120b289611bdc565b97506120c060208a01611c24565b965060408901359550606089013567ffffffffffffffff8111156120e2575f5ffd5b6120ee8b828c01611d06565b9096509450506080890135925060a089013567ffffffffffffffff811115612114575f5ffd5b6121208b828c01611d06565b999c989b5096995094979396929594505050565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b5f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff82036121eb576121eb61218e565b5060010190565b5f63ffffffff821663ffffffff810361220d5761220d61218e565b60010192915050565b818382375f9101908152919050565b63ffffffff8181168382160190811115610ab957610ab961218e565b81835281816020850137505f602082840101525f60207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f840116840101905092915050565b86815285602082015260ff8516604082015267ffffffffffffffff8416606082015260a060808201525f6122c060a083018486612241565b98975050505050505050565b84815267ffffffffffffffff84166020820152606060408201525f6122f5606083018486612241565b9695505050505050565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffdfea26469706673582212204b0c980b968536d06cd77c81fce2da1132dab4e60f43618b32aed47098a2019f64736f6c634300081e0033",
}

// DeviceRegistry is an auto generated Go binding around an Ethereum contract.
type DeviceRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *DeviceRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewDeviceRegistry creates a new instance of DeviceRegistry.
func NewDeviceRegistry() *DeviceRegistry {
	parsed, err := DeviceRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &DeviceRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *DeviceRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackADDDEVICETYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4988e169.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ADD_DEVICE_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) PackADDDEVICETYPEHASH() []byte {
	enc, err := deviceRegistry.abi.Pack("ADD_DEVICE_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackADDDEVICETYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4988e169.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ADD_DEVICE_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) TryPackADDDEVICETYPEHASH() ([]byte, error) {
	return deviceRegistry.abi.Pack("ADD_DEVICE_TYPEHASH")
}

// UnpackADDDEVICETYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4988e169.
//
// Solidity: function ADD_DEVICE_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) UnpackADDDEVICETYPEHASH(data []byte) ([32]byte, error) {
	out, err := deviceRegistry.abi.Unpack("ADD_DEVICE_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackDEVICESIGLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x451d2731.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function DEVICE_SIG_LENGTH() view returns(uint256)
func (deviceRegistry *DeviceRegistry) PackDEVICESIGLENGTH() []byte {
	enc, err := deviceRegistry.abi.Pack("DEVICE_SIG_LENGTH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDEVICESIGLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x451d2731.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function DEVICE_SIG_LENGTH() view returns(uint256)
func (deviceRegistry *DeviceRegistry) TryPackDEVICESIGLENGTH() ([]byte, error) {
	return deviceRegistry.abi.Pack("DEVICE_SIG_LENGTH")
}

// UnpackDEVICESIGLENGTH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x451d2731.
//
// Solidity: function DEVICE_SIG_LENGTH() view returns(uint256)
func (deviceRegistry *DeviceRegistry) UnpackDEVICESIGLENGTH(data []byte) (*big.Int, error) {
	out, err := deviceRegistry.abi.Unpack("DEVICE_SIG_LENGTH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDOMAINSEPARATOR is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3644e515.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) PackDOMAINSEPARATOR() []byte {
	enc, err := deviceRegistry.abi.Pack("DOMAIN_SEPARATOR")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDOMAINSEPARATOR is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3644e515.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) TryPackDOMAINSEPARATOR() ([]byte, error) {
	return deviceRegistry.abi.Pack("DOMAIN_SEPARATOR")
}

// UnpackDOMAINSEPARATOR is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3644e515.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) UnpackDOMAINSEPARATOR(data []byte) ([32]byte, error) {
	out, err := deviceRegistry.abi.Unpack("DOMAIN_SEPARATOR", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackMAXACTIVEDEVICES is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95ea4514.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_ACTIVE_DEVICES() view returns(uint32)
func (deviceRegistry *DeviceRegistry) PackMAXACTIVEDEVICES() []byte {
	enc, err := deviceRegistry.abi.Pack("MAX_ACTIVE_DEVICES")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXACTIVEDEVICES is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95ea4514.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_ACTIVE_DEVICES() view returns(uint32)
func (deviceRegistry *DeviceRegistry) TryPackMAXACTIVEDEVICES() ([]byte, error) {
	return deviceRegistry.abi.Pack("MAX_ACTIVE_DEVICES")
}

// UnpackMAXACTIVEDEVICES is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95ea4514.
//
// Solidity: function MAX_ACTIVE_DEVICES() view returns(uint32)
func (deviceRegistry *DeviceRegistry) UnpackMAXACTIVEDEVICES(data []byte) (uint32, error) {
	out, err := deviceRegistry.abi.Unpack("MAX_ACTIVE_DEVICES", data)
	if err != nil {
		return *new(uint32), err
	}
	out0 := *abi.ConvertType(out[0], new(uint32)).(*uint32)
	return out0, nil
}

// PackMAXPAGESCAN is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x85a5ec5c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_PAGE_SCAN() view returns(uint32)
func (deviceRegistry *DeviceRegistry) PackMAXPAGESCAN() []byte {
	enc, err := deviceRegistry.abi.Pack("MAX_PAGE_SCAN")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXPAGESCAN is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x85a5ec5c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_PAGE_SCAN() view returns(uint32)
func (deviceRegistry *DeviceRegistry) TryPackMAXPAGESCAN() ([]byte, error) {
	return deviceRegistry.abi.Pack("MAX_PAGE_SCAN")
}

// UnpackMAXPAGESCAN is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x85a5ec5c.
//
// Solidity: function MAX_PAGE_SCAN() view returns(uint32)
func (deviceRegistry *DeviceRegistry) UnpackMAXPAGESCAN(data []byte) (uint32, error) {
	out, err := deviceRegistry.abi.Unpack("MAX_PAGE_SCAN", data)
	if err != nil {
		return *new(uint32), err
	}
	out0 := *abi.ConvertType(out[0], new(uint32)).(*uint32)
	return out0, nil
}

// PackREVOKEDEVICETYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1bb1ddfe.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function REVOKE_DEVICE_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) PackREVOKEDEVICETYPEHASH() []byte {
	enc, err := deviceRegistry.abi.Pack("REVOKE_DEVICE_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackREVOKEDEVICETYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1bb1ddfe.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function REVOKE_DEVICE_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) TryPackREVOKEDEVICETYPEHASH() ([]byte, error) {
	return deviceRegistry.abi.Pack("REVOKE_DEVICE_TYPEHASH")
}

// UnpackREVOKEDEVICETYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1bb1ddfe.
//
// Solidity: function REVOKE_DEVICE_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) UnpackREVOKEDEVICETYPEHASH(data []byte) ([32]byte, error) {
	out, err := deviceRegistry.abi.Unpack("REVOKE_DEVICE_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackROTATEKEYAGREEMENTKEYTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xafcc1a9d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ROTATE_KEY_AGREEMENT_KEY_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) PackROTATEKEYAGREEMENTKEYTYPEHASH() []byte {
	enc, err := deviceRegistry.abi.Pack("ROTATE_KEY_AGREEMENT_KEY_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackROTATEKEYAGREEMENTKEYTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xafcc1a9d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ROTATE_KEY_AGREEMENT_KEY_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) TryPackROTATEKEYAGREEMENTKEYTYPEHASH() ([]byte, error) {
	return deviceRegistry.abi.Pack("ROTATE_KEY_AGREEMENT_KEY_TYPEHASH")
}

// UnpackROTATEKEYAGREEMENTKEYTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xafcc1a9d.
//
// Solidity: function ROTATE_KEY_AGREEMENT_KEY_TYPEHASH() view returns(bytes32)
func (deviceRegistry *DeviceRegistry) UnpackROTATEKEYAGREEMENTKEYTYPEHASH(data []byte) ([32]byte, error) {
	out, err := deviceRegistry.abi.Unpack("ROTATE_KEY_AGREEMENT_KEY_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackSUITEED25519X25519 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7adc2531.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function SUITE_ED25519_X25519() view returns(uint8)
func (deviceRegistry *DeviceRegistry) PackSUITEED25519X25519() []byte {
	enc, err := deviceRegistry.abi.Pack("SUITE_ED25519_X25519")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSUITEED25519X25519 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7adc2531.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function SUITE_ED25519_X25519() view returns(uint8)
func (deviceRegistry *DeviceRegistry) TryPackSUITEED25519X25519() ([]byte, error) {
	return deviceRegistry.abi.Pack("SUITE_ED25519_X25519")
}

// UnpackSUITEED25519X25519 is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7adc2531.
//
// Solidity: function SUITE_ED25519_X25519() view returns(uint8)
func (deviceRegistry *DeviceRegistry) UnpackSUITEED25519X25519(data []byte) (uint8, error) {
	out, err := deviceRegistry.abi.Unpack("SUITE_ED25519_X25519", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackSUITEED25519XWING is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x642a204d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function SUITE_ED25519_XWING() view returns(uint8)
func (deviceRegistry *DeviceRegistry) PackSUITEED25519XWING() []byte {
	enc, err := deviceRegistry.abi.Pack("SUITE_ED25519_XWING")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSUITEED25519XWING is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x642a204d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function SUITE_ED25519_XWING() view returns(uint8)
func (deviceRegistry *DeviceRegistry) TryPackSUITEED25519XWING() ([]byte, error) {
	return deviceRegistry.abi.Pack("SUITE_ED25519_XWING")
}

// UnpackSUITEED25519XWING is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x642a204d.
//
// Solidity: function SUITE_ED25519_XWING() view returns(uint8)
func (deviceRegistry *DeviceRegistry) UnpackSUITEED25519XWING(data []byte) (uint8, error) {
	out, err := deviceRegistry.abi.Unpack("SUITE_ED25519_XWING", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackActiveDeviceCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x50c760a5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function activeDeviceCount(address account) view returns(uint32)
func (deviceRegistry *DeviceRegistry) PackActiveDeviceCount(account common.Address) []byte {
	enc, err := deviceRegistry.abi.Pack("activeDeviceCount", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackActiveDeviceCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x50c760a5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function activeDeviceCount(address account) view returns(uint32)
func (deviceRegistry *DeviceRegistry) TryPackActiveDeviceCount(account common.Address) ([]byte, error) {
	return deviceRegistry.abi.Pack("activeDeviceCount", account)
}

// UnpackActiveDeviceCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x50c760a5.
//
// Solidity: function activeDeviceCount(address account) view returns(uint32)
func (deviceRegistry *DeviceRegistry) UnpackActiveDeviceCount(data []byte) (uint32, error) {
	out, err := deviceRegistry.abi.Unpack("activeDeviceCount", data)
	if err != nil {
		return *new(uint32), err
	}
	out0 := *abi.ConvertType(out[0], new(uint32)).(*uint32)
	return out0, nil
}

// PackActiveDevices is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1bd5092b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function activeDevices(address account, uint32 cursor, uint32 limit) view returns((uint32,bytes32,bytes32,uint8)[] devices, uint32 nextCursor)
func (deviceRegistry *DeviceRegistry) PackActiveDevices(account common.Address, cursor uint32, limit uint32) []byte {
	enc, err := deviceRegistry.abi.Pack("activeDevices", account, cursor, limit)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackActiveDevices is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1bd5092b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function activeDevices(address account, uint32 cursor, uint32 limit) view returns((uint32,bytes32,bytes32,uint8)[] devices, uint32 nextCursor)
func (deviceRegistry *DeviceRegistry) TryPackActiveDevices(account common.Address, cursor uint32, limit uint32) ([]byte, error) {
	return deviceRegistry.abi.Pack("activeDevices", account, cursor, limit)
}

// ActiveDevicesOutput serves as a container for the return parameters of contract
// method ActiveDevices.
type ActiveDevicesOutput struct {
	Devices    []IDeviceRegistryDeviceInfo
	NextCursor uint32
}

// UnpackActiveDevices is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1bd5092b.
//
// Solidity: function activeDevices(address account, uint32 cursor, uint32 limit) view returns((uint32,bytes32,bytes32,uint8)[] devices, uint32 nextCursor)
func (deviceRegistry *DeviceRegistry) UnpackActiveDevices(data []byte) (ActiveDevicesOutput, error) {
	out, err := deviceRegistry.abi.Unpack("activeDevices", data)
	outstruct := new(ActiveDevicesOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Devices = *abi.ConvertType(out[0], new([]IDeviceRegistryDeviceInfo)).(*[]IDeviceRegistryDeviceInfo)
	outstruct.NextCursor = *abi.ConvertType(out[1], new(uint32)).(*uint32)
	return *outstruct, nil
}

// PackAddDevice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3d65bff9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addDevice(uint32 deviceId, bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bytes deviceSig) returns()
func (deviceRegistry *DeviceRegistry) PackAddDevice(deviceId uint32, signingKey [32]byte, keyAgreementKey [32]byte, suite uint8, deviceSig []byte) []byte {
	enc, err := deviceRegistry.abi.Pack("addDevice", deviceId, signingKey, keyAgreementKey, suite, deviceSig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddDevice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3d65bff9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addDevice(uint32 deviceId, bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bytes deviceSig) returns()
func (deviceRegistry *DeviceRegistry) TryPackAddDevice(deviceId uint32, signingKey [32]byte, keyAgreementKey [32]byte, suite uint8, deviceSig []byte) ([]byte, error) {
	return deviceRegistry.abi.Pack("addDevice", deviceId, signingKey, keyAgreementKey, suite, deviceSig)
}

// PackAddDeviceFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa8b6a0f6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addDeviceFor(address account, uint32 deviceId, bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bytes deviceSig, uint256 deadline, bytes accountSig) returns()
func (deviceRegistry *DeviceRegistry) PackAddDeviceFor(account common.Address, deviceId uint32, signingKey [32]byte, keyAgreementKey [32]byte, suite uint8, deviceSig []byte, deadline *big.Int, accountSig []byte) []byte {
	enc, err := deviceRegistry.abi.Pack("addDeviceFor", account, deviceId, signingKey, keyAgreementKey, suite, deviceSig, deadline, accountSig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddDeviceFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa8b6a0f6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addDeviceFor(address account, uint32 deviceId, bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bytes deviceSig, uint256 deadline, bytes accountSig) returns()
func (deviceRegistry *DeviceRegistry) TryPackAddDeviceFor(account common.Address, deviceId uint32, signingKey [32]byte, keyAgreementKey [32]byte, suite uint8, deviceSig []byte, deadline *big.Int, accountSig []byte) ([]byte, error) {
	return deviceRegistry.abi.Pack("addDeviceFor", account, deviceId, signingKey, keyAgreementKey, suite, deviceSig, deadline, accountSig)
}

// PackDevice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8fe68754.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function device(address account, uint32 deviceId) view returns(bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bool active)
func (deviceRegistry *DeviceRegistry) PackDevice(account common.Address, deviceId uint32) []byte {
	enc, err := deviceRegistry.abi.Pack("device", account, deviceId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDevice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8fe68754.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function device(address account, uint32 deviceId) view returns(bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bool active)
func (deviceRegistry *DeviceRegistry) TryPackDevice(account common.Address, deviceId uint32) ([]byte, error) {
	return deviceRegistry.abi.Pack("device", account, deviceId)
}

// DeviceOutput serves as a container for the return parameters of contract
// method Device.
type DeviceOutput struct {
	SigningKey      [32]byte
	KeyAgreementKey [32]byte
	Suite           uint8
	Active          bool
}

// UnpackDevice is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8fe68754.
//
// Solidity: function device(address account, uint32 deviceId) view returns(bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bool active)
func (deviceRegistry *DeviceRegistry) UnpackDevice(data []byte) (DeviceOutput, error) {
	out, err := deviceRegistry.abi.Unpack("device", data)
	outstruct := new(DeviceOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.SigningKey = *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	outstruct.KeyAgreementKey = *abi.ConvertType(out[1], new([32]byte)).(*[32]byte)
	outstruct.Suite = *abi.ConvertType(out[2], new(uint8)).(*uint8)
	outstruct.Active = *abi.ConvertType(out[3], new(bool)).(*bool)
	return *outstruct, nil
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (deviceRegistry *DeviceRegistry) PackEip712Domain() []byte {
	enc, err := deviceRegistry.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (deviceRegistry *DeviceRegistry) TryPackEip712Domain() ([]byte, error) {
	return deviceRegistry.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (deviceRegistry *DeviceRegistry) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := deviceRegistry.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackNextDeviceId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb89878db.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nextDeviceId(address account) view returns(uint32)
func (deviceRegistry *DeviceRegistry) PackNextDeviceId(account common.Address) []byte {
	enc, err := deviceRegistry.abi.Pack("nextDeviceId", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNextDeviceId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb89878db.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nextDeviceId(address account) view returns(uint32)
func (deviceRegistry *DeviceRegistry) TryPackNextDeviceId(account common.Address) ([]byte, error) {
	return deviceRegistry.abi.Pack("nextDeviceId", account)
}

// UnpackNextDeviceId is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb89878db.
//
// Solidity: function nextDeviceId(address account) view returns(uint32)
func (deviceRegistry *DeviceRegistry) UnpackNextDeviceId(data []byte) (uint32, error) {
	out, err := deviceRegistry.abi.Unpack("nextDeviceId", data)
	if err != nil {
		return *new(uint32), err
	}
	out0 := *abi.ConvertType(out[0], new(uint32)).(*uint32)
	return out0, nil
}

// PackNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ecebe00.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nonces(address account) view returns(uint256)
func (deviceRegistry *DeviceRegistry) PackNonces(account common.Address) []byte {
	enc, err := deviceRegistry.abi.Pack("nonces", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ecebe00.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nonces(address account) view returns(uint256)
func (deviceRegistry *DeviceRegistry) TryPackNonces(account common.Address) ([]byte, error) {
	return deviceRegistry.abi.Pack("nonces", account)
}

// UnpackNonces is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7ecebe00.
//
// Solidity: function nonces(address account) view returns(uint256)
func (deviceRegistry *DeviceRegistry) UnpackNonces(data []byte) (*big.Int, error) {
	out, err := deviceRegistry.abi.Unpack("nonces", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRevokeDevice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe5bb0e88.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeDevice(uint32 deviceId) returns()
func (deviceRegistry *DeviceRegistry) PackRevokeDevice(deviceId uint32) []byte {
	enc, err := deviceRegistry.abi.Pack("revokeDevice", deviceId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeDevice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe5bb0e88.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeDevice(uint32 deviceId) returns()
func (deviceRegistry *DeviceRegistry) TryPackRevokeDevice(deviceId uint32) ([]byte, error) {
	return deviceRegistry.abi.Pack("revokeDevice", deviceId)
}

// PackRevokeDeviceFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc1501e37.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeDeviceFor(address account, uint32 deviceId, uint256 deadline, bytes accountSig) returns()
func (deviceRegistry *DeviceRegistry) PackRevokeDeviceFor(account common.Address, deviceId uint32, deadline *big.Int, accountSig []byte) []byte {
	enc, err := deviceRegistry.abi.Pack("revokeDeviceFor", account, deviceId, deadline, accountSig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeDeviceFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc1501e37.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeDeviceFor(address account, uint32 deviceId, uint256 deadline, bytes accountSig) returns()
func (deviceRegistry *DeviceRegistry) TryPackRevokeDeviceFor(account common.Address, deviceId uint32, deadline *big.Int, accountSig []byte) ([]byte, error) {
	return deviceRegistry.abi.Pack("revokeDeviceFor", account, deviceId, deadline, accountSig)
}

// PackRotateKeyAgreementKey is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa26248cc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function rotateKeyAgreementKey(uint32 deviceId, bytes32 keyAgreementKey, bytes deviceSig) returns()
func (deviceRegistry *DeviceRegistry) PackRotateKeyAgreementKey(deviceId uint32, keyAgreementKey [32]byte, deviceSig []byte) []byte {
	enc, err := deviceRegistry.abi.Pack("rotateKeyAgreementKey", deviceId, keyAgreementKey, deviceSig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRotateKeyAgreementKey is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa26248cc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function rotateKeyAgreementKey(uint32 deviceId, bytes32 keyAgreementKey, bytes deviceSig) returns()
func (deviceRegistry *DeviceRegistry) TryPackRotateKeyAgreementKey(deviceId uint32, keyAgreementKey [32]byte, deviceSig []byte) ([]byte, error) {
	return deviceRegistry.abi.Pack("rotateKeyAgreementKey", deviceId, keyAgreementKey, deviceSig)
}

// PackRotateKeyAgreementKeyFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf986de3d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function rotateKeyAgreementKeyFor(address account, uint32 deviceId, bytes32 keyAgreementKey, bytes deviceSig, uint256 deadline, bytes accountSig) returns()
func (deviceRegistry *DeviceRegistry) PackRotateKeyAgreementKeyFor(account common.Address, deviceId uint32, keyAgreementKey [32]byte, deviceSig []byte, deadline *big.Int, accountSig []byte) []byte {
	enc, err := deviceRegistry.abi.Pack("rotateKeyAgreementKeyFor", account, deviceId, keyAgreementKey, deviceSig, deadline, accountSig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRotateKeyAgreementKeyFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf986de3d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function rotateKeyAgreementKeyFor(address account, uint32 deviceId, bytes32 keyAgreementKey, bytes deviceSig, uint256 deadline, bytes accountSig) returns()
func (deviceRegistry *DeviceRegistry) TryPackRotateKeyAgreementKeyFor(account common.Address, deviceId uint32, keyAgreementKey [32]byte, deviceSig []byte, deadline *big.Int, accountSig []byte) ([]byte, error) {
	return deviceRegistry.abi.Pack("rotateKeyAgreementKeyFor", account, deviceId, keyAgreementKey, deviceSig, deadline, accountSig)
}

// PackSequence is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0e80fd26.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function sequence(address account) view returns(uint64)
func (deviceRegistry *DeviceRegistry) PackSequence(account common.Address) []byte {
	enc, err := deviceRegistry.abi.Pack("sequence", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSequence is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0e80fd26.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function sequence(address account) view returns(uint64)
func (deviceRegistry *DeviceRegistry) TryPackSequence(account common.Address) ([]byte, error) {
	return deviceRegistry.abi.Pack("sequence", account)
}

// UnpackSequence is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0e80fd26.
//
// Solidity: function sequence(address account) view returns(uint64)
func (deviceRegistry *DeviceRegistry) UnpackSequence(data []byte) (uint64, error) {
	out, err := deviceRegistry.abi.Unpack("sequence", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackUseNonce is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69615a4c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function useNonce() returns(uint256 nonce)
func (deviceRegistry *DeviceRegistry) PackUseNonce() []byte {
	enc, err := deviceRegistry.abi.Pack("useNonce")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUseNonce is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69615a4c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function useNonce() returns(uint256 nonce)
func (deviceRegistry *DeviceRegistry) TryPackUseNonce() ([]byte, error) {
	return deviceRegistry.abi.Pack("useNonce")
}

// UnpackUseNonce is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x69615a4c.
//
// Solidity: function useNonce() returns(uint256 nonce)
func (deviceRegistry *DeviceRegistry) UnpackUseNonce(data []byte) (*big.Int, error) {
	out, err := deviceRegistry.abi.Unpack("useNonce", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// DeviceRegistryDeviceAdded represents a DeviceAdded event raised by the DeviceRegistry contract.
type DeviceRegistryDeviceAdded struct {
	Account         common.Address
	DeviceId        uint32
	SigningKey      [32]byte
	KeyAgreementKey [32]byte
	Suite           uint8
	Seq             uint64
	DeviceSig       []byte
	Raw             *types.Log // Blockchain specific contextual infos
}

const DeviceRegistryDeviceAddedEventName = "DeviceAdded"

// ContractEventName returns the user-defined event name.
func (DeviceRegistryDeviceAdded) ContractEventName() string {
	return DeviceRegistryDeviceAddedEventName
}

// UnpackDeviceAddedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DeviceAdded(address indexed account, uint32 indexed deviceId, bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, uint64 seq, bytes deviceSig)
func (deviceRegistry *DeviceRegistry) UnpackDeviceAddedEvent(log *types.Log) (*DeviceRegistryDeviceAdded, error) {
	event := "DeviceAdded"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != deviceRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DeviceRegistryDeviceAdded)
	if len(log.Data) > 0 {
		if err := deviceRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range deviceRegistry.abi.Events[event].Inputs {
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

// DeviceRegistryDeviceRevoked represents a DeviceRevoked event raised by the DeviceRegistry contract.
type DeviceRegistryDeviceRevoked struct {
	Account  common.Address
	DeviceId uint32
	Seq      uint64
	Raw      *types.Log // Blockchain specific contextual infos
}

const DeviceRegistryDeviceRevokedEventName = "DeviceRevoked"

// ContractEventName returns the user-defined event name.
func (DeviceRegistryDeviceRevoked) ContractEventName() string {
	return DeviceRegistryDeviceRevokedEventName
}

// UnpackDeviceRevokedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DeviceRevoked(address indexed account, uint32 indexed deviceId, uint64 seq)
func (deviceRegistry *DeviceRegistry) UnpackDeviceRevokedEvent(log *types.Log) (*DeviceRegistryDeviceRevoked, error) {
	event := "DeviceRevoked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != deviceRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DeviceRegistryDeviceRevoked)
	if len(log.Data) > 0 {
		if err := deviceRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range deviceRegistry.abi.Events[event].Inputs {
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

// DeviceRegistryEIP712DomainChanged represents a EIP712DomainChanged event raised by the DeviceRegistry contract.
type DeviceRegistryEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const DeviceRegistryEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (DeviceRegistryEIP712DomainChanged) ContractEventName() string {
	return DeviceRegistryEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (deviceRegistry *DeviceRegistry) UnpackEIP712DomainChangedEvent(log *types.Log) (*DeviceRegistryEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != deviceRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DeviceRegistryEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := deviceRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range deviceRegistry.abi.Events[event].Inputs {
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

// DeviceRegistryKeyAgreementKeyRotated represents a KeyAgreementKeyRotated event raised by the DeviceRegistry contract.
type DeviceRegistryKeyAgreementKeyRotated struct {
	Account         common.Address
	DeviceId        uint32
	KeyAgreementKey [32]byte
	Seq             uint64
	DeviceSig       []byte
	Raw             *types.Log // Blockchain specific contextual infos
}

const DeviceRegistryKeyAgreementKeyRotatedEventName = "KeyAgreementKeyRotated"

// ContractEventName returns the user-defined event name.
func (DeviceRegistryKeyAgreementKeyRotated) ContractEventName() string {
	return DeviceRegistryKeyAgreementKeyRotatedEventName
}

// UnpackKeyAgreementKeyRotatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event KeyAgreementKeyRotated(address indexed account, uint32 indexed deviceId, bytes32 keyAgreementKey, uint64 seq, bytes deviceSig)
func (deviceRegistry *DeviceRegistry) UnpackKeyAgreementKeyRotatedEvent(log *types.Log) (*DeviceRegistryKeyAgreementKeyRotated, error) {
	event := "KeyAgreementKeyRotated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != deviceRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DeviceRegistryKeyAgreementKeyRotated)
	if len(log.Data) > 0 {
		if err := deviceRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range deviceRegistry.abi.Events[event].Inputs {
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

// DeviceRegistryNonceUsed represents a NonceUsed event raised by the DeviceRegistry contract.
type DeviceRegistryNonceUsed struct {
	Account common.Address
	Nonce   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const DeviceRegistryNonceUsedEventName = "NonceUsed"

// ContractEventName returns the user-defined event name.
func (DeviceRegistryNonceUsed) ContractEventName() string {
	return DeviceRegistryNonceUsedEventName
}

// UnpackNonceUsedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NonceUsed(address indexed account, uint256 nonce)
func (deviceRegistry *DeviceRegistry) UnpackNonceUsedEvent(log *types.Log) (*DeviceRegistryNonceUsed, error) {
	event := "NonceUsed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != deviceRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DeviceRegistryNonceUsed)
	if len(log.Data) > 0 {
		if err := deviceRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range deviceRegistry.abi.Events[event].Inputs {
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
func (deviceRegistry *DeviceRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["DeviceNotActive"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackDeviceNotActiveError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["InvalidDeviceSignatureLength"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackInvalidDeviceSignatureLengthError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["InvalidSignature"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackInvalidSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["SignatureExpired"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackSignatureExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackStringTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["TooManyActiveDevices"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackTooManyActiveDevicesError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["UnexpectedDeviceId"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackUnexpectedDeviceIdError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["UnsupportedSuite"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackUnsupportedSuiteError(raw[4:])
	}
	if bytes.Equal(raw[:4], deviceRegistry.abi.Errors["ZeroKey"].ID.Bytes()[:4]) {
		return deviceRegistry.UnpackZeroKeyError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// DeviceRegistryDeviceNotActive represents a DeviceNotActive error raised by the DeviceRegistry contract.
type DeviceRegistryDeviceNotActive struct {
	Account  common.Address
	DeviceId uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DeviceNotActive(address account, uint32 deviceId)
func DeviceRegistryDeviceNotActiveErrorID() common.Hash {
	return common.HexToHash("0xbf4e197823ec306b0332072e3d0641b3f54be0da95f2fa94f44388755eaeeec0")
}

// UnpackDeviceNotActiveError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DeviceNotActive(address account, uint32 deviceId)
func (deviceRegistry *DeviceRegistry) UnpackDeviceNotActiveError(raw []byte) (*DeviceRegistryDeviceNotActive, error) {
	out := new(DeviceRegistryDeviceNotActive)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "DeviceNotActive", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistryInvalidDeviceSignatureLength represents a InvalidDeviceSignatureLength error raised by the DeviceRegistry contract.
type DeviceRegistryInvalidDeviceSignatureLength struct {
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidDeviceSignatureLength(uint256 length)
func DeviceRegistryInvalidDeviceSignatureLengthErrorID() common.Hash {
	return common.HexToHash("0x0c8120e682d465d832cd85609bf5abc86cbdab1e59caaab7a6615fde69339a0f")
}

// UnpackInvalidDeviceSignatureLengthError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidDeviceSignatureLength(uint256 length)
func (deviceRegistry *DeviceRegistry) UnpackInvalidDeviceSignatureLengthError(raw []byte) (*DeviceRegistryInvalidDeviceSignatureLength, error) {
	out := new(DeviceRegistryInvalidDeviceSignatureLength)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "InvalidDeviceSignatureLength", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistryInvalidShortString represents a InvalidShortString error raised by the DeviceRegistry contract.
type DeviceRegistryInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func DeviceRegistryInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (deviceRegistry *DeviceRegistry) UnpackInvalidShortStringError(raw []byte) (*DeviceRegistryInvalidShortString, error) {
	out := new(DeviceRegistryInvalidShortString)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistryInvalidSignature represents a InvalidSignature error raised by the DeviceRegistry contract.
type DeviceRegistryInvalidSignature struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidSignature(address account)
func DeviceRegistryInvalidSignatureErrorID() common.Hash {
	return common.HexToHash("0xd855c4f4d7a9aef9d1b6f49c25339cf5cd471e30830c8071f7b5024985e5abcd")
}

// UnpackInvalidSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidSignature(address account)
func (deviceRegistry *DeviceRegistry) UnpackInvalidSignatureError(raw []byte) (*DeviceRegistryInvalidSignature, error) {
	out := new(DeviceRegistryInvalidSignature)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "InvalidSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistrySignatureExpired represents a SignatureExpired error raised by the DeviceRegistry contract.
type DeviceRegistrySignatureExpired struct {
	Deadline *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SignatureExpired(uint256 deadline)
func DeviceRegistrySignatureExpiredErrorID() common.Hash {
	return common.HexToHash("0xcd21db4f5222c209a625f44a7faa4c7077b21128ed96c96bd5c3a0f7bcc95d38")
}

// UnpackSignatureExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SignatureExpired(uint256 deadline)
func (deviceRegistry *DeviceRegistry) UnpackSignatureExpiredError(raw []byte) (*DeviceRegistrySignatureExpired, error) {
	out := new(DeviceRegistrySignatureExpired)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "SignatureExpired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistryStringTooLong represents a StringTooLong error raised by the DeviceRegistry contract.
type DeviceRegistryStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func DeviceRegistryStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (deviceRegistry *DeviceRegistry) UnpackStringTooLongError(raw []byte) (*DeviceRegistryStringTooLong, error) {
	out := new(DeviceRegistryStringTooLong)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistryTooManyActiveDevices represents a TooManyActiveDevices error raised by the DeviceRegistry contract.
type DeviceRegistryTooManyActiveDevices struct {
	Max uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TooManyActiveDevices(uint32 max)
func DeviceRegistryTooManyActiveDevicesErrorID() common.Hash {
	return common.HexToHash("0xe669ef033cd29654e73c0128e7c8da7acef26886d450bfa5d9f118bae3bd3e6e")
}

// UnpackTooManyActiveDevicesError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TooManyActiveDevices(uint32 max)
func (deviceRegistry *DeviceRegistry) UnpackTooManyActiveDevicesError(raw []byte) (*DeviceRegistryTooManyActiveDevices, error) {
	out := new(DeviceRegistryTooManyActiveDevices)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "TooManyActiveDevices", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistryUnexpectedDeviceId represents a UnexpectedDeviceId error raised by the DeviceRegistry contract.
type DeviceRegistryUnexpectedDeviceId struct {
	Expected uint32
	Given    uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnexpectedDeviceId(uint32 expected, uint32 given)
func DeviceRegistryUnexpectedDeviceIdErrorID() common.Hash {
	return common.HexToHash("0x914671b630c0d716c46eb4e0a09c1c351039363fde55657a0e352637faeff375")
}

// UnpackUnexpectedDeviceIdError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnexpectedDeviceId(uint32 expected, uint32 given)
func (deviceRegistry *DeviceRegistry) UnpackUnexpectedDeviceIdError(raw []byte) (*DeviceRegistryUnexpectedDeviceId, error) {
	out := new(DeviceRegistryUnexpectedDeviceId)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "UnexpectedDeviceId", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistryUnsupportedSuite represents a UnsupportedSuite error raised by the DeviceRegistry contract.
type DeviceRegistryUnsupportedSuite struct {
	Suite uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnsupportedSuite(uint8 suite)
func DeviceRegistryUnsupportedSuiteErrorID() common.Hash {
	return common.HexToHash("0x5411869f85fbbf77b6d091ada5b18dd92fb8dada8f8381411a53df2e45b758d2")
}

// UnpackUnsupportedSuiteError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnsupportedSuite(uint8 suite)
func (deviceRegistry *DeviceRegistry) UnpackUnsupportedSuiteError(raw []byte) (*DeviceRegistryUnsupportedSuite, error) {
	out := new(DeviceRegistryUnsupportedSuite)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "UnsupportedSuite", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRegistryZeroKey represents a ZeroKey error raised by the DeviceRegistry contract.
type DeviceRegistryZeroKey struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroKey()
func DeviceRegistryZeroKeyErrorID() common.Hash {
	return common.HexToHash("0xfbd849c64583c50579479efaac1ef44e6d9d78379a9ea28aa6150a3b683c09f5")
}

// UnpackZeroKeyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroKey()
func (deviceRegistry *DeviceRegistry) UnpackZeroKeyError(raw []byte) (*DeviceRegistryZeroKey, error) {
	out := new(DeviceRegistryZeroKey)
	if err := deviceRegistry.abi.UnpackIntoInterface(out, "ZeroKey", raw); err != nil {
		return nil, err
	}
	return out, nil
}
