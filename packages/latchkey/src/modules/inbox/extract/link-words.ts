// Per-language vocabulary for links: words in anchor text, surrounding text or URL paths that say what a
// link does (verify, sign in, reset) or that it is not an action to take (unsubscribe, privacy, "not you?").
// Same notation as keywords.ts.
import type { Vocab } from './keywords.js';

/** Words that say a link confirms or verifies something. */
export const LINK_VERIFY_WORDS: Vocab = {
  en: ['verif|confirm|activat|validat|activate'],
  de: ['*bestätig|bestaetig|verifizier|aktivier|freischalt'],
  fr: ['vérif|confirm|activ|valid'],
  es: ['verific|confirm|activ|valid'],
  pt: ['verific|confirm|ativ|valid'],
  nl: ['bevestig|verifi|activ'],
  it: ['verific|conferm|attiv|convalid'],
  ru: ['подтверд|подтвержд|актив|верифик'],
  zh: ['验证|驗證|确认|確認|激活|认证|認證'],
  ja: ['確認|認証|有効化|承認'],
  ko: ['인증|확인|활성화'],
  tr: ['doğrula|dogrula|onayla|etkinleştir|aktifleştir|onay'],
  ar: ['*تحقق|*التحقق|*تأكيد|*تفعيل|*أكد'],
  hi: ['सत्यापित|सत्यापन|पुष्टि|सक्रिय'],
  vi: ['xác nhận|xác minh|kích hoạt'],
};

/** Words that say a link signs the reader in (a magic link). */
export const LINK_LOGIN_WORDS: Vocab = {
  en: ['login|log in|log-in|signin|sign in|sign-in|magic|passwordless|sso$'],
  de: ['*anmeld|einlogg|einloggen'],
  fr: ['connexion|connecter|se connecter'],
  es: ['iniciar sesión|inicia sesión|inicio de sesión|acceder|entrar'],
  pt: ['entrar|acessar|fazer login|iniciar sessão'],
  nl: ['inloggen|aanmelden|log in'],
  it: ['accedi|accesso|entra'],
  ru: ['войти|вход'],
  zh: ['登录|登錄|登入'],
  ja: ['ログイン|サインイン'],
  ko: ['로그인'],
  tr: ['giriş yap|oturum aç|giris yap'],
  ar: ['*تسجيل الدخول|*دخول'],
  hi: ['लॉगिन|लॉग इन|साइन इन'],
  vi: ['đăng nhập|dang nhap'],
};

/** Words that say a link resets or recovers a credential. */
export const LINK_RESET_WORDS: Vocab = {
  en: ['reset|password|recover|forgot|new password'],
  de: ['zurücksetz|zuruecksetz|*passwort|*kennwort|wiederherstell'],
  fr: ['réinitialis|reinitialis|mot de passe|récupér'],
  es: ['restablec|contraseña|recuper'],
  pt: ['redefin|senha|recuper'],
  nl: ['herstel|*wachtwoord|opnieuw instellen'],
  it: ['reimposta|password|recuper|ripristin'],
  ru: ['сброс|пароль|пароля|восстанов'],
  zh: ['重置|密码|密碼|找回'],
  ja: ['再設定|パスワード|リセット'],
  ko: ['재설정|비밀번호'],
  tr: ['sıfırla|şifre|parola'],
  ar: ['*إعادة تعيين|*كلمة المرور|*استعادة'],
  hi: ['रीसेट|पासवर्ड'],
  vi: ['đặt lại|mật khẩu'],
};

/**
 * Words that make a link something an agent must not follow as the sign-up step: unsubscribe, privacy,
 * help, "not you? report/revert/remove", preferences, view in browser …
 */
export const LINK_AVOID_WORDS: Vocab = {
  en: [
    'unsubscribe|opt-out|opt out|optout|preferences|notification settings|email settings|privacy',
    'terms|help|support|faq$|contact|view in browser|view online|web version|webversion',
    "view this email|not you|wasn't you|was not you|didn't request|report|revert|undo|cancel|remove",
    'disable|deny|block|decline|secure your account|abuse|spam|feedback|download|app store',
    'google play|manage|logout|log out|sign out',
  ],
  de: ['abmelden|abbestellen|datenschutz|impressum|hilfe|kontakt|einstellungen|widerruf|stornier', 'austragen'],
  fr: ['désabonn|desabonn|désinscri|confidentialité|aide|préférences|annuler|se désinscrire'],
  es: ['darse de baja|cancelar suscripción|baja$|privacidad|ayuda|contacto|preferencias|cancelar'],
  pt: ['descadastr|cancelar inscrição|privacidade|ajuda|contato|preferências|cancelar'],
  nl: ['afmelden|uitschrijven|hulp|voorkeuren|annuleren'],
  it: ['annulla iscrizione|disiscriv|aiuto|contatt|preferenze|annulla'],
  ru: ['отписаться|отписк|конфиденциальн|помощь|поддержк|настройк|отмен'],
  zh: ['退订|退訂|取消订阅|隐私|隱私|帮助|幫助|联系|聯繫|设置|取消'],
  ja: ['配信停止|購読解除|プライバシー|ヘルプ|お問い合わせ|設定|キャンセル'],
  ko: ['수신거부|수신 거부|구독 취소|개인정보|도움말|고객센터|설정|취소'],
  tr: ['abonelikten çık|gizlilik|yardım|iletişim|tercihler|iptal'],
  ar: ['*إلغاء الاشتراك|*الخصوصية|*مساعدة|*المساعدة|*اتصل|*الإعدادات|*إلغاء'],
  hi: ['सदस्यता समाप्त|अनसब्सक्राइब|गोपनीयता|सहायता|संपर्क|सेटिंग|रद्द'],
  vi: ['hủy đăng ký|huy dang ky|quyền riêng tư|trợ giúp|hỗ trợ'],
};

/**
 * Undo-style actions named in the sentence before a link ("If you didn't add this number, click the link
 * below to remove it"): the link reverses something, it does not complete a sign-up.
 */
export const LINK_AVOID_CONTEXT_WORDS: Vocab = {
  en: ['remove|revert|undo|cancel|report|disable|deny|block|unsubscribe|opt out|opt-out'],
  de: ['entfern|rückgängig|widerruf|stornier|melden$|deaktivier|sperren|abbestellen'],
  fr: ['supprimer|annuler|signaler|désactiver|bloquer|désabonn'],
  es: ['eliminar|quitar|deshacer|cancelar|denunciar|desactivar|bloquear|darse de baja'],
  pt: ['remover|desfazer|cancelar|denunciar|desativar|bloquear|descadastr'],
  nl: ['verwijder|ongedaan|annuleren|melden$|deactiveer|blokkeer|afmelden'],
  it: ['rimuov|annulla|segnala|disattiva|blocca|disiscriv'],
  ru: ['удалить|отменить|отмен|сообщить|отключить|заблокир|отписаться'],
  zh: ['删除|刪除|撤销|撤銷|取消|举报|舉報|停用|退订|退訂'],
  ja: ['削除|取り消|キャンセル|報告|無効化|配信停止'],
  ko: ['삭제|취소|신고|비활성화|수신거부'],
  tr: ['kaldır|geri al|iptal|bildir|devre dışı|engelle'],
  ar: ['*إزالة|*إلغاء|*تراجع|*الإبلاغ|*تعطيل|*حظر'],
  hi: ['हटाएं|हटाने|रद्द|रिपोर्ट|अक्षम'],
  vi: ['xóa|hủy|báo cáo|vô hiệu'],
};
