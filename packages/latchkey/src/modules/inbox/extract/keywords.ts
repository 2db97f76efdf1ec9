// Per-language vocabulary for codes: the words that name a verification code or an authentication context,
// words that make a "code" something else (promo, postal …) and labels of numbers that are not codes
// (order, phone, amount …). Lower-case stems; each string lists terms separated by `|`.
//
// Notation, so that one list serves every script:
//   `word`   must start a word (the character before it is not a letter or digit) and may continue
//            (`verif` matches "verify", "verification", "vérifier");
//   `*word`  may also end a compound (`*code` matches "Bestätigungscode", "VerifyCode", "промокод");
//   `word$`  must also end a word (`pin$` does not match "shipping");
//   `!words` is matched and then ignored, so that it hides a shorter term inside it ("in order to").
// Words in scripts written without spaces (Chinese, Japanese, Korean particles) never need boundaries.

/** Languages covered; other languages still get digits, formats and the WICG line. */
export type Lang =
  | 'en'
  | 'de'
  | 'fr'
  | 'es'
  | 'pt'
  | 'nl'
  | 'it'
  | 'ru'
  | 'zh'
  | 'ja'
  | 'ko'
  | 'tr'
  | 'ar'
  | 'hi'
  | 'vi';

/** Terms per language, each string a `|`-separated list. */
export type Vocab = Partial<Record<Lang, readonly string[]>>;

/** Nouns that name the code itself. */
export const CODE_WORDS: Vocab = {
  en: ['*code|otp$|passcode|pin$|one-time pin|tac$|verification number'],
  de: ['*code|tan$|pin$|einmalkennwort|einmalpasswort'],
  fr: ['code|nip$'],
  es: ['código|codigo|clave de verificación|clave de acceso|clave dinámica'],
  pt: ['código|codigo|senha de uso único|senha temporária'],
  nl: ['*code|pincode'],
  it: ['codice|otp$'],
  ru: ['*код|смс-код|otp$'],
  zh: [
    '验证码|驗證碼|校验码|校驗碼|动态码|動態碼|确认码|確認碼|认证码|認證碼|激活码|激活碼|安全码|安全碼|登录码|登錄碼|动态密码|動態密碼|口令|校验代码',
  ],
  ja: ['コード|認証番号|確認番号|暗証番号|パスコード|ワンタイムパスワード|認証キー|確認キー|ワンタイム'],
  ko: ['코드|인증번호|인증 번호|승인번호|확인번호|보안번호|인증값'],
  tr: ['*kod|doğrulama kodu|tek kullanımlık'],
  ar: ['*رمز|*كود|*الكود|*رقم التحقق|*رقم التأكيد|*رقم سري|*الرقم السري'],
  hi: ['कोड|ओटीपी|पिन$|सत्यापन संख्या'],
  vi: [
    'mã xác nhận|mã xác minh|mã xác thực|mã kích hoạt|mã otp|mã bảo mật|mã đăng nhập|mã$|ma xac nhan',
    'ma xac minh|ma xac thuc|ma kich hoat|ma otp',
  ],
};

/** Words for a secret that services also use for one-time codes ("Your PASSWORD is 1099"). */
export const SECRET_WORDS: Vocab = {
  en: ['password|token$|pass code|security key'],
  de: ['*passwort|*kennwort|geheimzahl'],
  fr: ['mot de passe'],
  es: ['contraseña|clave$'],
  pt: ['senha'],
  nl: ['*wachtwoord'],
  it: ['password|chiave'],
  ru: ['пароль|пароля|паролем'],
  zh: ['密码|密碼'],
  ja: ['パスワード|暗証'],
  ko: ['비밀번호|패스워드|암호'],
  tr: ['şifre|sifre|parola'],
  ar: ['*كلمة المرور|*كلمة السر'],
  hi: ['पासवर्ड|पासकोड'],
  vi: ['mật khẩu|mat khau'],
};

/** Words of an authentication context: verify, sign in, confirm, one-time, security … */
export const AUTH_WORDS: Vocab = {
  en: [
    'verif|confirm|authenticat|auth$|login|log in|log-in|sign in|sign-in|signin|sign up|sign-up',
    'one-time|one time|two-factor|2fa$|mfa$|security|activat|registration|recover|identity|access',
  ],
  de: [
    'verifizier|*bestätig|*anmeld|einmal|*sicherheit|zugang|registrier|authentifizier|freischalt',
    'aktivier|wiederherstell|identität',
  ],
  fr: ['vérif|confirm|connexion|connecter|authentif|identité|sécurité|activ|inscription|accès', 'usage unique'],
  es: [
    'verific|confirm|inicio de sesión|iniciar sesión|acceso|autentic|seguridad|activ|registro',
    'identidad|un solo uso',
  ],
  pt: ['verific|confirm|acesso|entrar|autentic|segurança|ativ|cadastro|identidade|uso único'],
  nl: ['verifi|bevestig|inlog|aanmeld|beveilig|activ|registr|identiteit|eenmalig'],
  it: ['verific|conferm|accesso|accedi|autentic|sicurezza|attiv|registrazione|identità|monouso'],
  ru: ['подтвержд|подтверд|провер|вход|войти|авториз|аутентиф|безопасн|активац|регистрац|одноразов', 'доступ'],
  zh: ['验证|驗證|登录|登錄|登入|确认|確認|认证|認證|注册|註冊|激活|安全|身份|一次性'],
  ja: ['認証|確認|ログイン|登録|本人|セキュリティ|有効化|サインイン'],
  ko: ['인증|로그인|확인|가입|보안|본인|활성화|일회용'],
  tr: ['doğrula|dogrula|giriş|giris|onay|güvenlik|etkinleştir|kayıt|kimlik'],
  ar: ['*تحقق|*التحقق|*تأكيد|*تسجيل الدخول|*الدخول|*تفعيل|*التفعيل|*المصادقة|*مصادقة|*لمرة واحدة', '*الهوية'],
  hi: ['सत्याप|पुष्टि|लॉगिन|लॉग इन|साइन इन|सुरक्षा|सक्रिय|पंजीकरण|एक बार|प्रमाणीकरण'],
  vi: ['xác nhận|xac nhan|xác minh|xac minh|xác thực|xac thuc|kích hoạt|kich hoat|đăng nhập|dang nhap', 'đăng ký'],
};

/**
 * Words that, right before (or, in Romance languages and Arabic, right after) a code word, make it a code
 * that is not for authentication: promo code, postal code, tracking code, error code, QR code …
 */
export const CODE_QUALIFIERS_BEFORE: Vocab = {
  en: [
    'promo|promotional|coupon|discount|voucher|gift|purchase|referral|invite|invitation|tracking',
    'postal|zip|area|country|error|status|product|source|qr|bar|dress|redeem|redemption|reward|offer',
    'booking|sort|swift|tax|colour|color|membership|affiliate|pickup|pick-up|locker|door|parcel',
    'package|delivery|activation key|license|licence|serial',
  ],
  de: ['*gutschein|*rabatt|*aktions|*promo|*sendungs|*fehler|*geschenk|*bar|*qr-|*post|*abhol'],
  fr: ['barre'],
  es: [],
  pt: [],
  nl: ['*kortings|*actie|*kado|*cadeau|*fout|*track|*post'],
  it: [],
  ru: ['*промо|скидоч|подарочн|почтов|трек|штрих|qr-'],
  zh: [
    '优惠|優惠|折扣|礼品|禮品|兑换|兌換|邀请|邀請|推荐|推薦|邮政|郵政|追踪|追蹤|快递|快遞|取件|提货|提貨|错误|錯誤|条形|條形|二维|二維|取货|取貨',
  ],
  ja: ['クーポン|割引|招待|紹介|郵便|追跡|エラー|プロモーション|ギフト|バー|qr|キャンペーン'],
  ko: ['쿠폰|할인|초대|추천|우편|운송장|배송|오류|프로모션|기프트|바|qr'],
  tr: ['indirim|promosyon|kupon|posta|takip|hata|hediye|davet|referans|karekod'],
  ar: [],
  hi: ['प्रोमो|कूपन|डिस्काउंट|छूट|ट्रैकिंग|रेफरल|उपहार|पिन'],
  vi: [],
};

/** Qualifiers that follow the code word: "code promo", "código postal", "codice sconto", "رمز الخصم". */
export const CODE_QUALIFIERS_AFTER: Vocab = {
  en: ['of conduct|of practice'],
  fr: ["promo|postal|de réduction|cadeau|de parrainage|de suivi|d'erreur|barre|de la route|civil"],
  es: [
    'promocional|promo|postal|de descuento|de regalo|de seguimiento|de rastreo|de error|de barras',
    'de referido|de cupón|de promoción',
  ],
  pt: [
    'promocional|promo|postal|de desconto|de presente|de rastreio|de rastreamento|de erro|de barras',
    'de indicação|de cupom|de promoção',
  ],
  it: ['sconto|promozionale|promo|postale|regalo|di tracciamento|di errore|a barre|fiscale', 'di spedizione'],
  ar: ['*الخصم|*الترويجي|*البريدي|*التتبع|*الهدية|*خصم|*ترويجي|*بريدي|*الشحنة|*الكوبون|*القسيمة'],
  vi: ['giảm giá|giam gia|khuyến mãi|khuyen mai|bưu chính|buu chinh|vận đơn|van don|ưu đãi'],
  ru: ['скидки|купона|заказа|отслеживания'],
  tr: [],
};

/**
 * Labels that put a number in another category: an order, an invoice, a phone, an amount, an address, a
 * version … A number right after one of these is not a verification code.
 */
export const NUMBER_LABELS: Vocab = {
  en: [
    '!in order to|order|invoice|receipt|tracking|shipment|parcel|package|transaction|reference|ref$|ref.|booking',
    'reservation|confirmation number|confirmation no|account number|account no|acct|card|ending in',
    'ending with|ends in|ends with|last 4|last four|ticket|case$|case number|customer|member|policy',
    'claim|serial|model|version|build$|release|flight|seat|gate$|room$|suite|apt|phone|tel$|tel.',
    'telephone|mobile|call$|call us|fax|zip|postcode|po box|p.o. box|amount|total|balance|price|paid',
    'payment|subtotal|due$|vat$|id$|id:|no.|no:|nr.|number|sku$|item|qty|quantity|page$|chapter',
    'since|copyright|street|avenue|road$|batch|iban|routing|user id|employee|student|patient|license',
    'licence|plate|imei|pnr$|waybill|consignment|bill$|statement|loan|contract|subscriber|meter',
    'extension|ext.|usd|eur$|gbp$|inr$',
  ],
  de: [
    '*bestell|*auftrag|*rechnung|beleg|quittung|*sendung|paket|lieferung|transaktion|referenz',
    'buchung|reservierung|*kunden|*konto|*karte|endet auf|endend auf|endend mit|mitglied|vertrag',
    'versicherung|*telefon|handy|mobil|plz$|postleitzahl|betrag|summe|gesamt|preis|bezahlt|zahlung',
    'fällig|mwst|ust|nr.|nr$|*nummer|artikel|seite|zimmer|flug|vorgang|aktenzeichen',
  ],
  fr: [
    'commande|facture|reçu|suivi|colis|envoi|livraison|référence|réf|réservation|client|compte|carte',
    'se terminant par|finissant par|membre|contrat|billet|téléphone|tél|portable|montant|prix|payé',
    'paiement|tva$|n°|numéro|article|siège|chambre',
  ],
  es: [
    'pedido|orden|factura|recibo|seguimiento|envío|paquete|transacción|referencia|reserva|cliente',
    'cuenta|tarjeta|terminada en|termina en|socio|miembro|contrato|boleto|billete|teléfono|móvil',
    'celular|importe|monto|precio|pagado|pago$|iva$|n.º|nº|número|núm|artículo|versión|página|vuelo',
    'asiento|habitación',
  ],
  pt: [
    'pedido|encomenda|fatura|nota fiscal|recibo|rastreio|rastreamento|envio|pacote|transação',
    'referência|reserva|cliente|conta|cartão|final$|terminado em|terminando em|membro|contrato',
    'bilhete|telefone|celular|telemóvel|cep$|valor|preço|pago$|pagamento|número|artigo|versão|página',
    'voo$|assento|quarto|cpf$|cnpj',
  ],
  nl: [
    '*bestel|order|factuur|bon$|zending|pakket|levering|transactie|referentie|boeking|reservering',
    '*klant|*rekening|kaart|eindigend op|eindigt op|lid$|telefoon|mobiel|postcode|bedrag|totaal',
    'prijs|betaald|betaling|btw$|nr.|*nummer|versie|pagina|vlucht|stoel|kamer',
  ],
  it: [
    'ordine|fattura|ricevuta|tracciamento|spedizione|pacco|consegna|transazione|riferimento',
    'prenotazione|cliente|conto|carta|che termina con|terminante in|socio|contratto|biglietto',
    'telefono|cellulare|cap$|importo|totale|prezzo|pagato|pagamento|numero|articolo|versione|pagina',
    'volo$|posto|camera',
  ],
  ru: [
    'заказ|счет|счёт|квитанц|чек$|трек|отправлени|посылк|доставк|транзакц|операци|номер|брон|клиент',
    'карт|заканчивающ|оканчивающ|договор|билет|телефон|тел.|факс|индекс|сумм|итого|цена|оплач|платеж',
    'платёж|ндс|№|артикул|верси|страниц|рейс|баланс|руб',
  ],
  zh: [
    '订单|訂單|发票|發票|收据|收據|快递|快遞|运单|運單|物流|包裹|交易|预订|預訂|客户|客戶|账户|帳戶|账号|帳號|卡号|卡號|尾号|尾號|会员|會員|合同|电话|電話|手机|手機',
    '传真|傳真|邮编|郵編|金额|金額|总计|總計|合计|合計|价格|價格|支付|付款|余额|餘額|编号|編號|号码|號碼|版本|航班|座位|房间|房間',
  ],
  ja: [
    '注文|請求|領収|追跡|配送|発送|お届け|荷物|取引|予約|お客様番号|会員|口座|カード|下4桁|末尾|契約|チケット|電話|携帯|郵便|〒|金額|合計|価格|料金|支払|残高|伝票',
    'お問い合わせ番号|バージョン|ページ|座席',
  ],
  ko: [
    '주문|청구|영수증|송장|운송장|배송|택배|거래|예약|고객|회원|계좌|카드|끝자리|계약|티켓|전화|휴대폰|팩스|우편|금액|합계|가격|결제|잔액|버전|페이지|좌석|객실',
  ],
  tr: [
    'sipariş|siparis|fatura|makbuz|takip|kargo|gönderi|paket|teslimat|işlem|referans|rezervasyon',
    'müşteri|hesap|kart|ile biten|üye|sözleşme|bilet|telefon|tel$|faks|tutar|toplam|fiyat|ödeme',
    'ödendi|kdv|no$|numara|sürüm|versiyon|sayfa|uçuş|koltuk|oda$',
  ],
  ar: [
    '*طلب|*فاتورة|*إيصال|*تتبع|*شحن|*طرد|*توصيل|*معاملة|*مرجع|*حجز|*عميل|*حساب|*بطاقة|*تنتهي',
    '*المنتهية|*عضوية|*عقد|*تذكرة|*هاتف|*جوال|*موبايل|*فاكس|*مبلغ|*المبلغ|*المجموع|*الإجمالي|*سعر',
    '*السعر|*الدفع|*رصيد|*الرصيد|*ريال|*درهم|*جنيه|*إصدار|*صفحة|*رحلة|*مقعد|*غرفة',
  ],
  hi: [
    'ऑर्डर|आदेश|चालान|बिल|रसीद|ट्रैकिंग|शिपमेंट|पैकेज|डिलीवरी|लेनदेन|संदर्भ|बुकिंग|ग्राहक|खाता|खाते',
    'कार्ड|समाप्त|सदस्य|टिकट|फ़ोन|फोन|मोबाइल|राशि|कुल|मूल्य|कीमत|भुगतान|शेष|रु.|रुपये|संस्करण|पृष्ठ',
    'सीट',
  ],
  vi: [
    'đơn hàng|don hang|hóa đơn|hoa don|số điện thoại|so dien thoai|điện thoại|dien thoai',
    'số tài khoản|thẻ|số tiền|so tien|tổng|giá|vnd$',
  ],
};

/** Month names and abbreviations: a 4-digit number next to one is a year. */
export const MONTH_WORDS: Vocab = {
  en: [
    'jan$|feb$|mar$|apr$|may$|jun$|jul$|aug$|sep$|sept$|oct$|nov$|dec$|january|february|march|april',
    'june|july|august|september|october|november|december',
  ],
  de: ['januar|februar|märz|mai$|juni|juli|oktober|dezember'],
  fr: ['janvier|février|mars$|avril|juin|juillet|août|septembre|octobre|novembre|décembre'],
  es: ['enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre'],
  pt: ['janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro'],
  nl: ['januari|februari|maart|mei$|augustus'],
  it: ['gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre'],
  ru: ['январ|феврал|марта|апрел|мая$|июня|июля|августа|сентябр|октябр|ноябр|декабр'],
  tr: ['ocak|şubat|mart$|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim$|kasım|aralık'],
};

/** Every term of a vocabulary, in all languages. */
export function allTerms(vocab: Vocab): string[] {
  return Object.values(vocab).flatMap((lists) => (lists ?? []).flatMap((list) => list.split('|')));
}
